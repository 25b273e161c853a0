"""MCP tools for RoomKit: ``MCPToolProvider(server_command=[...])``; the SDK loads on first use."""

from typing import Any

__all__ = ["MCPError", "MCPTool", "MCPToolProvider"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from roomkit_mcp import provider

        return getattr(provider, name)
    raise AttributeError(f"module 'roomkit_mcp' has no attribute {name!r}")
