"""Client transactions over UDP (RFC 3261 17.1): send a request, resend it until the far end
answers, hand provisional responses on, and return the final one.

Responses find their transaction by the branch of their top ``Via`` and the CSeq method (a
``CANCEL`` shares its ``INVITE``'s branch).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from roomkit_sip.errors import SIPCallTimeout
from roomkit_sip.message import SIPMessage

T1 = 0.5  # RFC 3261's round-trip estimate
T2 = 4.0  # the longest gap between retransmissions of a non-INVITE request


def branch_of(message: SIPMessage) -> str:
    for part in message.header("via").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "branch":
            return value
    return ""


class ClientTransactions:
    def __init__(self, send: Callable[[SIPMessage, tuple[str, int]], None]) -> None:
        self._send = send
        self._pending: dict[tuple[str, str], asyncio.Queue[SIPMessage]] = {}

    def deliver(self, response: SIPMessage) -> bool:
        """Route a response to the transaction waiting for it; False when none is."""
        queue = self._pending.get((branch_of(response), response.cseq_method))
        if queue is None:
            return False
        queue.put_nowait(response)
        return True

    async def request(
        self,
        request: SIPMessage,
        addr: tuple[str, int],
        *,
        limit: float,
        on_provisional: Callable[[SIPMessage], None] | None = None,
    ) -> SIPMessage:
        """The final response to ``request``; ``SIPCallTimeout`` if none comes in ``limit`` seconds.

        Retransmissions stop at the first provisional response (an INVITE may then ring for
        as long as ``limit`` allows).
        """
        key = (branch_of(request), request.method)
        queue: asyncio.Queue[SIPMessage] = asyncio.Queue()
        self._pending[key] = queue
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        interval = T1
        resend = True
        try:
            self._send(request, addr)
            while True:
                left = deadline - loop.time()
                if left <= 0:
                    heard = "" if resend else " after a provisional response"
                    raise SIPCallTimeout(
                        f"no final response to {request.method} from {addr[0]}:{addr[1]} "
                        f"within {limit:g} s{heard}"
                    )
                wait = min(left, interval) if resend else left
                try:
                    response = await asyncio.wait_for(queue.get(), wait)
                except TimeoutError:
                    if resend and loop.time() < deadline:
                        self._send(request, addr)
                        interval = min(interval * 2, T2)
                    continue
                if response.status >= 200:
                    return response
                resend = False
                if on_provisional is not None:
                    on_provisional(response)
        finally:
            self._pending.pop(key, None)


__all__ = ["ClientTransactions", "branch_of"]
