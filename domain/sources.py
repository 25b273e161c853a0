"""The health of an attached event source, as ``kit.source_health(channel_id)`` reports it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from roomkit.domain.base import Model


class SourceStatus(StrEnum):
    RUNNING = "running"
    BACKING_OFF = "backing_off"  # failed; waiting before the next restart
    EXHAUSTED = "exhausted"  # ended by itself, or failed more often than allowed
    STOPPED = "stopped"  # detached


class SourceHealth(Model):
    channel_id: str
    source: str
    status: SourceStatus
    messages: int = 0
    failed_messages: int = 0
    errors: int = 0
    restarts: int = 0
    last_error: str | None = None
    last_message_at: datetime | None = None
    attached_at: datetime
