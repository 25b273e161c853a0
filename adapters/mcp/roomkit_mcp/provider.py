"""MCPToolProvider: the tools of an MCP server (started over stdio) as RoomKit tools."""

from __future__ import annotations

import json
import os
import sys
from contextlib import AsyncExitStack
from typing import Any

from roomkit.domain.errors import RoomKitError
from roomkit.ports.tools import Tool


def _schema(tool: Any) -> Any:
    """The tool's input schema (``input_schema`` in mcp 2, ``inputSchema`` before)."""
    schema = getattr(tool, "input_schema", None) or getattr(tool, "inputSchema", None)
    return schema or {"type": "object", "properties": {}}


class MCPError(RoomKitError):
    """The MCP server could not be started, or refused a call."""


class MCPTool(Tool):
    """One tool of an MCP server; ``execute`` calls it through the provider's session."""

    def __init__(
        self, provider: MCPToolProvider, name: str, description: str, parameters: dict[str, Any]
    ) -> None:
        self.provider = provider
        self.name = name
        self.description = description
        self.parameters = parameters

    async def execute(self, arguments: dict[str, Any]) -> str:
        return await self.provider.call(self.name, arguments)


class MCPToolProvider:
    """``await initialize()`` starts ``server_command`` and lists its tools; ``tools()`` gives
    them to an AIChannel; ``await close()`` stops the server (``async with`` does both)."""

    def __init__(
        self,
        server_command: list[str],
        *,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        if not server_command:
            raise ValueError("server_command must name the program to start")
        self.server_command = list(server_command)
        self.env = env
        self.cwd = cwd
        self._stack: AsyncExitStack | None = None
        self._session: Any = None
        self._tools: list[MCPTool] = []

    async def initialize(self) -> list[MCPTool]:
        from mcp import ClientSession, StdioServerParameters
        from mcp.client.stdio import stdio_client

        if self._session is not None:
            return self._tools
        params = StdioServerParameters(
            command=self.server_command[0],
            args=self.server_command[1:],
            env={**os.environ, **self.env} if self.env else None,
            cwd=self.cwd,
        )
        stack = AsyncExitStack()
        try:
            # the server's stderr goes to the real stderr (a captured one may have no fileno)
            errlog = sys.__stderr__ or sys.stderr
            read, write = await stack.enter_async_context(stdio_client(params, errlog=errlog))
            session = await stack.enter_async_context(ClientSession(read, write))
            await session.initialize()
            listed = await session.list_tools()
        except Exception as exc:
            await stack.aclose()
            raise MCPError(f"cannot start MCP server {self.server_command!r}: {exc!r}") from exc
        self._stack, self._session = stack, session
        self._tools = [
            MCPTool(self, t.name, t.description or "", dict(_schema(t))) for t in listed.tools
        ]
        return self._tools

    def tools(self) -> list[MCPTool]:
        if self._session is None:
            raise MCPError("call `await initialize()` before tools()")
        return list(self._tools)

    async def call(self, name: str, arguments: dict[str, Any]) -> str:
        if self._session is None:
            raise MCPError("the MCP session is not open")
        result = await self._session.call_tool(name, arguments)
        text = "\n".join(
            getattr(block, "text", None) or json.dumps(block.model_dump(), default=str)
            for block in result.content
        )
        if getattr(result, "isError", False) or getattr(result, "is_error", False):
            raise MCPError(f"MCP tool {name!r} failed: {text}")
        return text

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._session, self._tools = None, None, []

    async def __aenter__(self) -> MCPToolProvider:
        await self.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
