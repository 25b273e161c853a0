"""ContentTranscoder: adapt content to each target binding during broadcast."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.channel import ChannelBinding
from roomkit.domain.content import EventContent


class ContentTranscoder(ABC):
    @abstractmethod
    async def transcode(
        self,
        content: EventContent,
        source_binding: ChannelBinding,
        target_binding: ChannelBinding,
    ) -> EventContent | None:
        """Content the target receives; None skips delivery to that target."""
