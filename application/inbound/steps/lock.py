"""Step 5 (and 11): the per-room lock around steps 6-10."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime


class LockStep:
    name = "lock"

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    def __call__(self, state: InboundState) -> AbstractAsyncContextManager[None]:
        room_id = state.room_id or state.ctx().room.id
        return self._rt.room_lock(room_id)
