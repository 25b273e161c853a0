"""QueueSource: an in-process event source fed with ``await source.put(message)``.

For bridging code that already receives messages (a thread, a callback API) into a supervised
source, and for tests. ``finish()`` ends it once the queued messages are emitted.
"""

from __future__ import annotations

import asyncio

from roomkit.domain.inbound import InboundMessage
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.sources import Emit, SourceProvider

_END = object()


class QueueSource(SourceProvider):
    name = "queue"

    def __init__(self, maxsize: int = 1000) -> None:
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize)
        self.closed = 0

    async def put(self, message: InboundMessage) -> None:
        """Queue one message (waits while the queue is full)."""
        await self._queue.put(message)

    def finish(self) -> None:
        """End the source after the messages already queued."""
        self._queue.put_nowait(_END)

    async def run(self, emit: Emit) -> None:
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            assert isinstance(item, InboundMessage)
            await emit(item)

    async def close(self) -> None:
        self.closed += 1


@hookimpl
def roomkit_register_sources(register: Register) -> None:
    register(name="queue", factory=lambda settings: QueueSource(), description="in-process queue")
