"""The backchannel stage: the port."""

from roomkit.domain.voice import (
    BackchannelDecision,
)
from roomkit.ports.voice import (
    BackchannelContext,
    BackchannelDetector,
)

__all__ = ["BackchannelContext", "BackchannelDecision", "BackchannelDetector"]
