"""Settings of the WebSocket realtime transport."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WebSocketTransportConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    sample_rate: int = 16000
    max_frame_bytes: int = Field(default=64_000, gt=0)
