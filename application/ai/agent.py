"""Agent: an AIChannel with a role, a description and a greeting, for multi-agent rooms."""

from __future__ import annotations

from typing import Any

from roomkit.application.ai.channel import AIChannel
from roomkit.ports.ai import AIProvider


class Agent(AIChannel):
    def __init__(
        self,
        channel_id: str,
        provider: AIProvider,
        *,
        role: str | None = None,
        description: str | None = None,
        greeting: str | None = None,
        stt: Any = None,
        tts: Any = None,
        backend: Any = None,
        pipeline: Any = None,
        interruption: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(channel_id, provider, **kwargs)
        self.role = role
        self.description = description
        self.greeting = greeting
        #: a voice agent's speech settings, for a VoiceChannel that speaks for it
        self.voice_settings: dict[str, Any] = {
            k: v
            for k, v in {
                "stt": stt,
                "tts": tts,
                "backend": backend,
                "pipeline": pipeline,
                "interruption": interruption,
            }.items()
            if v is not None
        }

    @property
    def info(self) -> dict[str, Any]:
        return {**super().info, "role": self.role, "description": self.description}
