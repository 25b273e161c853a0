"""SIPVoiceBackend: answers incoming SIP calls (UDP) and carries their audio on RTP.

An ``INVITE`` is answered ``100 Trying`` and ``180 Ringing`` and reported to
``on_incoming_call``; joining it to a room (``kit.join(..., metadata={"sip_call_id": id})``)
opens an RTP session toward the caller's SDP address and answers ``200 OK`` with ours. The
caller's ``BYE`` ends the session (reported lost); ``kit.leave`` sends our ``BYE``. Media, DTMF
(RFC 4733) and barge-in are the RTP backend's. Outbound calls and digest authentication are not
built.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession, VoiceSessionState
from roomkit.ports.voice import AudioCallback, DTMFCallback, SessionCallback, VoiceBackend
from roomkit_rtp import RTPVoiceBackend
from roomkit_sip.message import (
    AudioOffer,
    SIPMessage,
    SIPParseError,
    parse_sdp,
    response,
    sdp_answer,
)

log = logging.getLogger("roomkit.sip")
CODECS = {0: ("pcmu", "PCMU"), 8: ("pcma", "PCMA")}


@dataclass
class SIPCall:
    """An incoming call: who called whom, and where its audio should go."""

    call_id: str
    from_uri: str
    to_uri: str
    offer: AudioOffer
    invite: SIPMessage = field(repr=False)
    addr: tuple[str, int] = ("", 0)
    to_tag: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    session_id: str | None = None


IncomingCallback = Callable[[SIPCall], Awaitable[None] | None]


def _uri(header: str) -> str:
    start, end = header.find("<"), header.find(">")
    return header[start + 1 : end] if 0 <= start < end else header.split(";")[0].strip()


class SIPVoiceBackend(VoiceBackend, asyncio.DatagramProtocol):
    name = "sip"

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 5060, rtp_host: str | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.rtp = RTPVoiceBackend(local_host=rtp_host or host)
        self.rtp.on_session_lost(self._rtp_lost)
        self._transport: asyncio.DatagramTransport | None = None
        self._incoming: list[IncomingCallback] = []
        self._lost: list[SessionCallback] = []
        self.calls: dict[str, SIPCall] = {}
        self._by_session: dict[str, SIPCall] = {}
        self.malformed = 0

    @property
    def capabilities(self) -> VoiceCapability:
        return self.rtp.capabilities

    async def start(self) -> SIPVoiceBackend:
        if self._transport is None:
            loop = asyncio.get_running_loop()
            await loop.create_datagram_endpoint(lambda: self, local_addr=(self.host, self.port))
            assert self._transport is not None
            self.port = self._transport.get_extra_info("sockname")[1]
        return self

    async def close(self) -> None:
        for call in list(self._by_session.values()):
            session = self.rtp.session(call.session_id) if call.session_id else None
            if session is not None:
                await self.disconnect(session)
        await self.rtp.close()
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    # callbacks -----------------------------------------------------------------------------
    def on_incoming_call(self, callback: IncomingCallback) -> None:
        self._incoming.append(callback)

    def on_audio_received(self, callback: AudioCallback) -> None:
        self.rtp.on_audio_received(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost.append(callback)

    def on_dtmf_received(self, callback: DTMFCallback) -> None:
        self.rtp.on_dtmf_received(callback)

    # sessions ------------------------------------------------------------------------------
    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        meta = dict(metadata or {})
        call = self.calls.get(str(meta.get("sip_call_id", "")))
        if call is None:
            raise ValueError(
                "SIPVoiceBackend answers incoming calls: join with "
                "metadata={'sip_call_id': call.call_id} from on_incoming_call (outbound calls are "
                "not supported)"
            )
        if call.session_id is not None:
            raise ValueError(f"SIP call {call.call_id} is already joined")
        meta.update(remote_host=call.offer.host, remote_port=call.offer.port)
        session = await self.rtp.connect(room_id, participant_id, channel_id, metadata=meta)
        call.session_id = session.id
        self._by_session[session.id] = call
        port = self.rtp.local_port(session)
        codec = self.rtp.codec
        body = sdp_answer(
            self.rtp.local_host,
            port,
            codec.payload_type,
            codec.name.upper(),
            self.rtp.dtmf_payload_type,
        )
        contact = ("contact", f"<sip:roomkit@{self.host}:{self.port}>")
        self._send(
            response(call.invite, 200, "OK", to_tag=call.to_tag, extra=[contact], body=body),
            call.addr,
        )
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        call = self._by_session.pop(session.id, None)
        if call is not None:
            self.calls.pop(call.call_id, None)
            self._send(self._bye(call), call.addr)
        await self.rtp.disconnect(session)

    def _bye(self, call: SIPCall) -> SIPMessage:
        invite = call.invite
        headers = [
            ("via", f"SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:12]}"),
            ("from", f"{invite.header('to')};tag={call.to_tag}"),
            ("to", invite.header("from")),
            ("call-id", call.call_id),
            ("cseq", "1 BYE"),
            ("max-forwards", "70"),
        ]
        return SIPMessage(
            f"BYE {_uri(invite.header('contact') or invite.header('from'))} SIP/2.0", headers
        )

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        await self.rtp.send_audio(session, frame)

    async def cancel_audio(self, session: VoiceSession) -> bool:
        return await self.rtp.cancel_audio(session)

    async def send_dtmf(self, session: VoiceSession, digit: str, duration_ms: int = 160) -> None:
        await self.rtp.send_dtmf(session, digit, duration_ms)

    # signalling ----------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self._transport = transport

    def _send(self, message: SIPMessage, addr: tuple[str, int]) -> None:
        if self._transport is not None:
            self._transport.sendto(message.to_bytes(), addr)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            message = SIPMessage.parse(data)
        except SIPParseError as exc:
            self.malformed += 1
            log.warning("dropped a datagram that is not SIP: %s", exc)
            return
        if not message.is_request:
            return  # answers to our BYE
        method = message.method
        if method == "INVITE":
            asyncio.get_running_loop().create_task(self._invite(message, addr))
        elif method == "BYE":
            self._send(response(message, 200, "OK"), addr)
            call = self.calls.pop(message.header("call-id"), None)
            if call is not None and call.session_id is not None:
                self._by_session.pop(call.session_id, None)
                session = self.rtp.session(call.session_id)
                if session is not None:
                    asyncio.get_running_loop().create_task(self._hung_up(session))
        elif method in ("ACK",):
            return
        elif method in ("OPTIONS", "CANCEL"):
            self._send(response(message, 200, "OK"), addr)
        else:
            self._send(response(message, 501, "Not Implemented"), addr)

    async def _invite(self, invite: SIPMessage, addr: tuple[str, int]) -> None:
        call_id = invite.header("call-id")
        if call_id in self.calls:
            return  # a retransmission
        try:
            offer = parse_sdp(invite.body)
        except SIPParseError as exc:
            self._send(
                response(
                    invite, 488, "Not Acceptable Here", extra=[("warning", f'399 roomkit "{exc}"')]
                ),
                addr,
            )
            return
        if self.rtp.codec.payload_type not in offer.payload_types:
            self._send(response(invite, 488, "Not Acceptable Here"), addr)
            return
        call = SIPCall(
            call_id, _uri(invite.header("from")), _uri(invite.header("to")), offer, invite, addr
        )
        self.calls[call_id] = call
        self._send(response(invite, 100, "Trying"), addr)
        self._send(response(invite, 180, "Ringing", to_tag=call.to_tag), addr)
        if not self._incoming:
            self.calls.pop(call_id, None)
            self._send(response(invite, 480, "Temporarily Unavailable", to_tag=call.to_tag), addr)
            return
        for callback in self._incoming:
            result = callback(call)
            if inspect.isawaitable(result):
                await result

    async def _hung_up(self, session: VoiceSession) -> None:
        await self.rtp.disconnect(session)
        self._report_lost(session)

    def _rtp_lost(self, session: VoiceSession) -> None:
        call = self._by_session.pop(session.id, None)
        if call is not None:
            self.calls.pop(call.call_id, None)
            self._send(self._bye(call), call.addr)
        self._report_lost(session)

    def _report_lost(self, session: VoiceSession) -> None:
        ended = session.model_copy(update={"state": VoiceSessionState.ENDED})
        for callback in self._lost:
            callback(ended)


__all__ = ["SIPCall", "SIPVoiceBackend"]
