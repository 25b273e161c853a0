"""From the adapter package behind the ``roomkit[mcp]`` extra (docs/getting-started.md)."""

try:
    from roomkit_mcp import MCPToolProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.tools.mcp", "mcp") from exc

__all__ = ["MCPToolProvider"]
