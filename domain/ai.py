"""The vocabulary shared by AI channels and AI providers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from roomkit.domain.base import Model
from roomkit.domain.tasks import Observation, Task


class AITextPart(Model):
    type: Literal["text"] = "text"
    text: str


class AIImagePart(Model):
    type: Literal["image"] = "image"
    url: str
    mime_type: str = "image/png"


class AIToolCall(Model):
    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class AIToolResult(Model):
    tool_call_id: str
    name: str
    result: str
    is_error: bool = False


AIPart = AITextPart | AIImagePart


class AIMessage(Model):
    """One turn of the conversation as a provider sees it."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str | list[AIPart] = ""
    name: str | None = None
    tool_calls: list[AIToolCall] = Field(default_factory=list)
    tool_results: list[AIToolResult] = Field(default_factory=list)

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text for p in self.content if isinstance(p, AITextPart))


class AITool(Model):
    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class AIContext(Model):
    messages: list[AIMessage] = Field(default_factory=list)
    system_prompt: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    thinking_budget: int | None = None
    tools: list[AITool] = Field(default_factory=list)
    room_id: str | None = None
    channel_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class AIUsage(Model):
    input_tokens: int = 0
    output_tokens: int = 0


class AIResponse(Model):
    content: str = ""
    tool_calls: list[AIToolCall] = Field(default_factory=list)
    thinking: str | None = None
    finish_reason: str | None = None
    usage: AIUsage = Field(default_factory=AIUsage)
    tasks: list[Task] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class AITextDelta(Model):
    """A piece of streamed text; a stream ends with the complete AIResponse."""

    type: Literal["text_delta"] = "text_delta"
    text: str


AIStreamItem = AITextDelta | AIResponse


class ToolCallEvent(Model):
    """One round of tool calls made by an AI channel (given to ON_TOOL_CALL hooks)."""

    room_id: str
    channel_id: str
    round: int
    tool_calls: list[AIToolCall]
    results: list[AIToolResult] = Field(default_factory=list)
    duration_ms: float | None = None
