"""The Tool base class."""

from roomkit.application.ai.tools import Tool, ToolHandler

__all__ = ["Tool", "ToolHandler"]
