"""DefaultContentTranscoder: the SPEC's fallback table (a pure domain rule) behind the port."""

from __future__ import annotations

from roomkit.domain.channel import ChannelBinding
from roomkit.domain.content import EventContent
from roomkit.domain.transcoding import transcode
from roomkit.ports.transcoder import ContentTranscoder


class DefaultContentTranscoder(ContentTranscoder):
    async def transcode(
        self,
        content: EventContent,
        source_binding: ChannelBinding,
        target_binding: ChannelBinding,
    ) -> EventContent | None:
        return transcode(content, target_binding.capabilities)
