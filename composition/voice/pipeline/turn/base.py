"""The turn stage: the port."""

from roomkit.domain.voice import (
    TurnDecision,
)
from roomkit.ports.voice import (
    TurnContext,
    TurnDetector,
)

__all__ = ["TurnContext", "TurnDecision", "TurnDetector"]
