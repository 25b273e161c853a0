"""Agent: an AIChannel with a role, a description and a greeting, for multi-agent rooms."""

from __future__ import annotations

from typing import Any

from roomkit.application.ai.channel import AIChannel
from roomkit.application.voice.channel import VoiceChannel
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

    def voice_channel(self, channel_id: str | None = None) -> VoiceChannel:
        """A VoiceChannel with this agent's speech settings (``stt``, ``tts``, ``backend``,
        ``pipeline``, ``interruption``), to register and attach beside the agent: callers talk
        to the room through it and hear the agent's replies. ``channel_id`` defaults to
        ``"<agent id>-voice"``."""
        if "backend" not in self.voice_settings:
            raise ValueError(
                f"Agent {self.channel_id!r} has no voice backend: pass Agent(..., backend=...)"
            )
        return VoiceChannel(channel_id or f"{self.channel_id}-voice", **self.voice_settings)

    @property
    def info(self) -> dict[str, Any]:
        return {**super().info, "role": self.role, "description": self.description}
