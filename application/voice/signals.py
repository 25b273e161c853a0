"""VoiceSignals: fires the voice hooks of one session and reports its failures."""

from __future__ import annotations

import logging
from typing import Any

from roomkit.application.runtime import Runtime
from roomkit.domain.content import TextContent
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import HookTrigger
from roomkit.domain.voice import VoiceHookEvent, VoiceSession

log = logging.getLogger("roomkit.voice")


class VoiceSignals:
    def __init__(self, runtime: Runtime, session: VoiceSession) -> None:
        self._rt = runtime
        self.session = session
        self.failures: list[str] = []

    def wanted(self, trigger: HookTrigger) -> bool:
        return self._rt.hooks.has_hooks(trigger, self.session.room_id)

    async def context(self) -> RoomContext:
        return await self._rt.context(self.session.room_id)

    async def fire(
        self,
        trigger: HookTrigger,
        data: dict[str, Any] | None = None,
        text: str | None = None,
    ) -> None:
        if not self.wanted(trigger):
            return
        session = self.session
        event = VoiceHookEvent(
            trigger=trigger.value,
            session_id=session.id,
            room_id=session.room_id,
            channel_id=session.channel_id,
            participant_id=session.participant_id,
            data=dict(data or {}),
            content=TextContent(body=text) if text is not None else None,
        )
        await self._rt.hooks.run_async(trigger, event, await self.context())

    async def failed(self, what: str, exc: BaseException | None = None) -> None:
        """Record a failure of this session and report it to ON_ERROR hooks; never raises."""
        message = f"voice session {self.session.id}: {what}"
        if exc is not None:
            message += f": {type(exc).__name__}: {exc}"
        self.failures.append(message)
        log.warning(message)
        try:
            context = await self.context()
            await self._rt.hooks.report_error(
                context, message, exc, data={"session_id": self.session.id}
            )
        except Exception:  # the room may be gone; the failure is recorded above
            log.exception("could not report a voice failure")
