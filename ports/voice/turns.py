"""Turn taking: is the caller done (TurnDetector), and was that a real interruption or an
"uh-huh" (BackchannelDetector)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.base import Model
from roomkit.domain.voice import BackchannelDecision, TurnDecision


class TurnContext(Model):
    """The transcript gathered in the current turn."""

    text: str
    fragments: list[str]
    session_id: str
    silence_ms: float = 0.0


class BackchannelContext(Model):
    """A short utterance heard while the agent was speaking."""

    text: str
    speech_ms: float
    session_id: str


class TurnDetector(ABC):
    name: str = "turn"

    @abstractmethod
    async def evaluate(self, context: TurnContext) -> TurnDecision: ...


class BackchannelDetector(ABC):
    name: str = "backchannel"

    @abstractmethod
    async def classify(self, context: BackchannelContext) -> BackchannelDecision: ...
