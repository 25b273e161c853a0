"""``delegate_task``: the supervisor's tool for giving a worker a task in a child room."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from roomkit.application.ai.agent import Agent
from roomkit.application.ai.tools import current_tool_context
from roomkit.application.orchestration.delegation import Delegations
from roomkit.domain.errors import RoomKitError
from roomkit.ports.tools import Tool

DELEGATE_TOOL = "delegate_task"


class DelegateTaskTool(Tool):
    name = DELEGATE_TOOL

    def __init__(self, delegations: Delegations, workers: Sequence[Agent]) -> None:
        self.delegations = delegations
        self.workers = {w.channel_id: w for w in workers}
        roster = "; ".join(
            f"{w.channel_id}: {w.role or w.description or 'worker'}" for w in workers
        )
        self.description = (
            "Give a task to a worker agent and get its result back. Workers: " + roster
        )
        self.parameters = {
            "type": "object",
            "properties": {
                "agent": {
                    "type": "string",
                    "enum": list(self.workers),
                    "description": "The worker to give the task to",
                },
                "task": {"type": "string", "description": "What the worker should do"},
                "context": {"type": "object", "description": "Facts the worker needs"},
            },
            "required": ["agent", "task"],
        }

    async def execute(self, arguments: dict[str, Any]) -> str:
        origin = current_tool_context.get()
        if origin is None:
            return _refuse("delegate_task outside an AI channel turn")
        agent_id = str(arguments.get("agent", ""))
        task = str(arguments.get("task", "")).strip()
        if agent_id not in self.workers:
            return _refuse(f"unknown worker {agent_id!r}; workers: {sorted(self.workers)}")
        if not task:
            return _refuse("the task is empty")
        context = arguments.get("context")
        try:
            done = await self.delegations.run(
                origin.room_id, agent_id, task, context if isinstance(context, dict) else None
            )
        except RoomKitError as exc:
            return _refuse(str(exc))
        if not done.result:
            return _refuse(f"worker {agent_id!r} gave no answer (see room {done.child_room_id!r})")
        return json.dumps(
            {
                "ok": True,
                "agent": agent_id,
                "result": done.result,
                "task_id": done.task_id,
                "child_room_id": done.child_room_id,
            }
        )


def _refuse(error: str) -> str:
    return json.dumps({"ok": False, "error": error})
