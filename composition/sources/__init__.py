"""Event sources: feeds RoomKit reads inbound messages from (``kit.attach_source``)."""

from roomkit.domain.sources import SourceHealth, SourceStatus
from roomkit.plugins.builtin.queue_source import QueueSource
from roomkit.ports.sources import Emit, SourceProvider

__all__ = ["Emit", "QueueSource", "SourceHealth", "SourceProvider", "SourceStatus"]
