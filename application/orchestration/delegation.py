"""Delegation: an agent works on a task in a child room; its answer comes back to the parent."""

from __future__ import annotations

import json
from typing import Any

from roomkit.domain.base import Model


class DelegationResult(Model):
    task_id: str
    parent_room_id: str
    child_room_id: str
    agent_id: str
    task: str
    result: str
    event_id: str | None = None


def task_message(task: str, context: dict[str, Any] | None) -> str:
    if not context:
        return task
    return f"{task}\n\nContext: {json.dumps(context, default=str, sort_keys=True)}"
