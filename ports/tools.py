"""Tool: something an AI channel can call, carrying its own definition and implementation."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from roomkit.domain.ai import AITool


class Tool(ABC):
    """A tool with its own definition and implementation::

        class GetWeather(Tool):
            name = "get_weather"
            description = "..."
            parameters = {"type": "object", "properties": {...}}

            async def execute(self, arguments: dict) -> str: ...

    Adapters (MCP servers, for instance) create instances with per-instance attributes.
    """

    name: str
    description: str = ""
    parameters: dict[str, Any] = {"type": "object", "properties": {}}

    @abstractmethod
    async def execute(self, arguments: dict[str, Any]) -> str:
        """Run the tool; the returned string is given back to the model."""

    def definition(self) -> AITool:
        return AITool(name=self.name, description=self.description, parameters=self.parameters)
