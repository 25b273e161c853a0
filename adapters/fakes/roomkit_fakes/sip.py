"""A SIP phone on 127.0.0.1 (UDP): it sends an INVITE with an SDP offer for its RTP peer,
records every response, ACKs the 200 OK, answers a BYE, and can hang up itself.

Messages are written out by hand here (not with the backend's code), so the fake checks the
backend against the text of RFC 3261 rather than against itself.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field


@dataclass(eq=False)
class SIPPhone(asyncio.DatagramProtocol):
    user: str = "alice"
    rtp_port: int = 0
    received: list[str] = field(default_factory=list)
    transport: asyncio.DatagramTransport | None = None
    server: tuple[str, int] | None = None

    def __post_init__(self) -> None:
        self.call_id = uuid.uuid4().hex + "@127.0.0.1"
        self.from_tag = uuid.uuid4().hex[:8]
        self.to_header = ""
        self.bye_received = asyncio.Event()
        self.answered = asyncio.Event()

    async def start(self, server_port: int) -> SIPPhone:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=("127.0.0.1", 0))
        self.server = ("127.0.0.1", server_port)
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

    def _send(self, text: str) -> None:
        assert self.transport is not None and self.server is not None
        self.transport.sendto(text.encode(), self.server)

    def _request(self, method: str, cseq: int, to: str, body: str = "", extra: str = "") -> str:
        head = (
            f"{method} sip:agent@127.0.0.1:{self.server[1] if self.server else 0} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:10]}\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:{self.user}@127.0.0.1>;tag={self.from_tag}\r\n"
            f"To: {to}\r\n"
            f"Call-ID: {self.call_id}\r\n"
            f"CSeq: {cseq} {method}\r\n"
            f"Contact: <sip:{self.user}@127.0.0.1:{self.port}>\r\n"
            f"{extra}"
        )
        if body:
            head += "Content-Type: application/sdp\r\n"
        return head + f"Content-Length: {len(body.encode())}\r\n\r\n{body}"

    def invite(self, payload_types: str = "0 101") -> None:
        sdp = (
            "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {self.rtp_port} RTP/AVP {payload_types}\r\n"
            "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
        )
        self._send(self._request("INVITE", 1, "<sip:agent@127.0.0.1>", sdp))

    def bye(self) -> None:
        self._send(self._request("BYE", 2, self.to_header))

    def statuses(self) -> list[int]:
        return [int(m.split(" ")[1]) for m in self.received if m.startswith("SIP/2.0")]

    def answer_sdp_port(self) -> int:
        for message in self.received:
            if message.startswith("SIP/2.0 200") and "m=audio" in message:
                line = next(x for x in message.split("\r\n") if x.startswith("m=audio"))
                return int(line.split()[1])
        raise LookupError("no 200 OK with SDP received")

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        text = data.decode()
        self.received.append(text)
        headers = dict(
            (line.split(":", 1)[0].lower(), line.split(":", 1)[1].strip())
            for line in text.split("\r\n\r\n")[0].split("\r\n")[1:]
            if ":" in line
        )
        if text.startswith("SIP/2.0 200") and "INVITE" in headers.get("cseq", ""):
            self.to_header = headers["to"]
            self._send(self._request("ACK", 1, self.to_header))
            self.answered.set()
        elif text.startswith("BYE "):
            reply = (
                "SIP/2.0 200 OK\r\n"
                f"Via: {headers['via']}\r\nFrom: {headers['from']}\r\nTo: {headers['to']}\r\n"
                f"Call-ID: {headers['call-id']}\r\nCSeq: {headers['cseq']}\r\n"
                "Content-Length: 0\r\n\r\n"
            )
            assert self.transport is not None
            self.transport.sendto(reply.encode(), addr)
            self.bye_received.set()
