"""Turn taking: gather transcript fragments until the turn detector says the caller is done."""

from __future__ import annotations

from roomkit.application.voice.signals import VoiceSignals
from roomkit.domain.enums import HookTrigger
from roomkit.ports.voice import TurnContext, TurnDetector


class TurnTaking:
    def __init__(self, detector: TurnDetector | None, signals: VoiceSignals) -> None:
        self._detector = detector
        self._signals = signals
        self.fragments: list[str] = []

    async def add(self, text: str) -> str | None:
        """The whole turn once it is complete, else None (the fragment is kept)."""
        self.fragments.append(text)
        if self._detector is None:
            return self._complete()
        combined = " ".join(self.fragments)
        decision = await self._detector.evaluate(
            TurnContext(
                text=combined, fragments=list(self.fragments), session_id=self._signals.session.id
            )
        )
        data = {"text": combined, "confidence": decision.confidence, "reason": decision.reason}
        if decision.is_complete:
            await self._signals.fire(HookTrigger.ON_TURN_COMPLETE, data, combined)
            return self._complete()
        await self._signals.fire(HookTrigger.ON_TURN_INCOMPLETE, data, combined)
        return None

    def _complete(self) -> str:
        combined = " ".join(self.fragments)
        self.fragments.clear()
        return combined
