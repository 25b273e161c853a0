"""Tools an AI channel can call: JSON-schema dicts, AITool models or ``Tool`` subclasses.

``Tool`` itself is a port (``roomkit.ports.tools``), so adapters can provide tools.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from roomkit.domain.ai import AITool, AIToolCall, AIToolResult
from roomkit.ports.tools import Tool

__all__ = [
    "Tool",
    "ToolContext",
    "ToolHandler",
    "ToolSpec",
    "Toolbox",
    "current_tool_context",
    "to_ai_tool",
]


@dataclass(frozen=True)
class ToolContext:
    """Where the running tool call comes from (set by AIChannel for the duration of a round)."""

    room_id: str
    channel_id: str


current_tool_context: ContextVar[ToolContext | None] = ContextVar(
    "roomkit_tool_context", default=None
)

ToolHandler = Callable[[str, dict[str, Any]], Awaitable[str]]


ToolSpec = Mapping[str, Any] | AITool | Tool


def to_ai_tool(spec: ToolSpec) -> AITool:
    """Normalise any accepted tool form into the AITool the provider sees."""
    if isinstance(spec, Tool):
        return spec.definition()
    if isinstance(spec, AITool):
        return spec
    if isinstance(spec, Mapping):
        if "name" not in spec:
            raise ValueError(f"tool definition without a 'name': {dict(spec)!r}")
        function = spec.get("function")
        if isinstance(function, Mapping):  # OpenAI-style {"type": "function", "function": {...}}
            spec = function
        return AITool(
            name=spec["name"],
            description=spec.get("description", ""),
            parameters=spec.get("parameters")
            or spec.get("input_schema")
            or {"type": "object", "properties": {}},
        )
    raise TypeError(
        f"unsupported tool definition {type(spec).__name__}; use a dict, AITool or Tool"
    )


class Toolbox:
    """The tools of one AI turn and how to run each call."""

    def __init__(self, specs: Iterable[ToolSpec], handler: ToolHandler | None) -> None:
        self.definitions: list[AITool] = []
        self._impls: dict[str, Tool] = {}
        for spec in specs:
            tool = to_ai_tool(spec)
            self.definitions = [d for d in self.definitions if d.name != tool.name] + [tool]
            if isinstance(spec, Tool):
                self._impls[tool.name] = spec
        self._handler = handler

    def __bool__(self) -> bool:
        return bool(self.definitions)

    async def run(self, call: AIToolCall) -> AIToolResult:
        try:
            impl = self._impls.get(call.name)
            if impl is not None:
                output = await impl.execute(call.arguments)
            elif self._handler is not None:
                output = await self._handler(call.name, call.arguments)
            else:
                return _error(call, f"no handler for tool {call.name!r}")
        except Exception as exc:
            return _error(call, f"tool {call.name!r} failed: {exc}")
        if not isinstance(output, str):
            output = json.dumps(output, default=str)
        return AIToolResult(tool_call_id=call.id, name=call.name, result=output)


def _error(call: AIToolCall, message: str) -> AIToolResult:
    return AIToolResult(
        tool_call_id=call.id, name=call.name, result=json.dumps({"error": message}), is_error=True
    )
