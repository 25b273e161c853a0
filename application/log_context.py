"""Room and event ids for log lines, carried in context variables (safe across tasks).

The composition root's logging setup reads them into every record; this layer only sets them.
"""

from __future__ import annotations

from contextvars import ContextVar

room_id_var: ContextVar[str | None] = ContextVar("roomkit_room_id", default=None)
event_id_var: ContextVar[str | None] = ContextVar("roomkit_event_id", default=None)
channel_id_var: ContextVar[str | None] = ContextVar("roomkit_channel_id", default=None)


def current() -> dict[str, str]:
    values = {
        "room_id": room_id_var.get(),
        "event_id": event_id_var.get(),
        "channel_id": channel_id_var.get(),
    }
    return {k: v for k, v in values.items() if v is not None}
