"""Tools for AI channels: ``@tool`` turns a typed function into one."""

from roomkit.application.ai.function_tool import FunctionTool, tool

__all__ = ["FunctionTool", "tool"]
