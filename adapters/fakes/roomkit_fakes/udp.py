"""The loopback UDP socket every datagram fake (SIP phone, registrar, RTP peer) stands on."""

from __future__ import annotations

import asyncio
from typing import Self


class LoopbackUDP(asyncio.DatagramProtocol):
    """A UDP port on 127.0.0.1: ``await fake.bind()``, then ``fake.port``; ``close()`` frees it."""

    transport: asyncio.DatagramTransport | None = None

    async def bind(self) -> Self:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=("127.0.0.1", 0))
        return self

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
