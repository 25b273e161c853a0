"""Speech-to-speech vocabulary: what a realtime provider reports and how a session is set up.

``RealtimeEvent`` is a slotted dataclass, not a pydantic model: audio deltas arrive dozens of
times a second per call and carry nothing that needs validating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from roomkit.domain.ai import AITool
from roomkit.domain.base import Model

Role = Literal["user", "assistant"]


class RealtimeEventType(StrEnum):
    AUDIO = "audio"  # a chunk of the model's speech (``audio``, at the provider's output rate)
    TRANSCRIPT = "transcript"  # ``role``, ``text``, ``final``
    SPEECH_STARTED = "speech_started"  # the provider's turn detection heard the caller start
    SPEECH_STOPPED = "speech_stopped"
    RESPONSE_STARTED = "response_started"
    RESPONSE_DONE = "response_done"
    INTERRUPTED = "interrupted"  # the provider cut its own response (barge-in on its side)
    TOOL_CALL = "tool_call"  # ``call_id``, ``name``, ``arguments``
    ERROR = "error"  # ``code``, ``message``; the connection stays up
    DISCONNECTED = "disconnected"  # the provider connection dropped without being asked to


@dataclass(frozen=True, slots=True)
class RealtimeEvent:
    type: RealtimeEventType
    audio: bytes = b""
    role: Role = "assistant"
    text: str = ""
    final: bool = True
    call_id: str = ""
    name: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    message: str = ""
    response_id: str = ""


class RealtimeVADConfig(Model):
    """Turn detection settings passed to the provider (its own server-side VAD)."""

    threshold: float | None = Field(default=None, ge=0, le=1)
    silence_duration_ms: int | None = Field(default=None, ge=0)
    prefix_padding_ms: int | None = Field(default=None, ge=0)
    enabled: bool = True


class RealtimeHistoryItem(Model):
    """One earlier message, replayed to a provider that lost the conversation (resumption)."""

    role: Role
    text: str


class RealtimeSessionConfig(Model):
    system_prompt: str | None = None
    voice: str | None = None
    temperature: float | None = None
    tools: list[AITool] = Field(default_factory=list)
    vad: RealtimeVADConfig | None = None
    history: list[RealtimeHistoryItem] = Field(default_factory=list)
    #: provider-specific keys, passed through untouched
    provider_config: dict[str, Any] = Field(default_factory=dict)
