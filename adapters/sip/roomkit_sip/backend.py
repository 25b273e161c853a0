"""SIPVoiceBackend: SIP calls over UDP, in and out, their audio on RTP.

Incoming: an ``INVITE`` is answered ``100 Trying`` and ``180 Ringing`` and reported to
``on_incoming_call``; joining it to a room (``kit.join(..., metadata={"sip_call_id": id})``)
opens an RTP session toward the caller's SDP address and answers ``200 OK`` with ours. With
``users={...}`` callers must authenticate (digest): no credentials get ``401``, wrong ones
``403``, and neither reaches ``on_incoming_call``.

Outgoing: ``call = await backend.call("sip:bob@host:port")`` sends an ``INVITE`` with our SDP
offer, answers a ``401``/``407`` challenge with ``username``/``password``, ACKs the ``200 OK``
and returns the call, which joins a room the same way. A refusal raises ``SIPCallError``
(``SIPAuthError`` for credentials), no answer in ``answer_timeout`` cancels the INVITE and raises
``SIPCallTimeout``.

Registration: with ``registration=SIPRegistration(registrar=..., aor=...)`` the backend binds its
Contact at the registrar on ``start()`` (or ``await backend.register()``), refreshes it at half
the granted lifetime on ``clock``, and removes it on ``close()``; a refusal raises
``SIPRegistrationError``.

Either side's ``BYE`` ends the call (the far end's is reported as a lost session); media, DTMF
(RFC 4733) and barge-in are the RTP backend's.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession, VoiceSessionState
from roomkit.ports.clock import Clock, SystemClock
from roomkit.ports.voice import AudioCallback, DTMFCallback, SessionCallback, VoiceBackend
from roomkit_rtp import RTPVoiceBackend
from roomkit_sip.digest import AUTH_HEADERS, Challenge, DigestError, DigestVerifier
from roomkit_sip.errors import (
    SIPAuthError,
    SIPCallError,
    SIPCallTimeout,
    SIPRegistrationError,
    SIPRegistrationTimeout,
)
from roomkit_sip.message import (
    AudioOffer,
    SIPMessage,
    SIPParseError,
    parse_sdp,
    response,
    sdp_answer,
)
from roomkit_sip.registration import Binding, SIPRegistration
from roomkit_sip.transaction import ClientTransactions

log = logging.getLogger("roomkit.sip")
CODECS = {0: ("pcmu", "PCMU"), 8: ("pcma", "PCMA")}


@dataclass
class SIPCall:
    """A call, either way: who called whom, and where its audio goes (``offer`` is the far
    end's SDP: its offer on an incoming call, its answer on an outgoing one)."""

    call_id: str
    from_uri: str
    to_uri: str
    offer: AudioOffer
    invite: SIPMessage = field(repr=False)
    addr: tuple[str, int] = ("", 0)
    to_tag: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    session_id: str | None = None
    direction: Literal["inbound", "outbound"] = "inbound"
    local_port: int | None = None  # the RTP port our offer named (outgoing calls)
    local_header: str = field(default="", repr=False)  # our From in requests we send
    remote_header: str = field(default="", repr=False)  # their To in requests we send
    remote_target: str = field(default="", repr=False)  # Request-URI of our BYE
    cseq: int = 1


IncomingCallback = Callable[[SIPCall], Awaitable[None] | None]


def _uri(header: str) -> str:
    start, end = header.find("<"), header.find(">")
    return header[start + 1 : end] if 0 <= start < end else header.split(";")[0].strip()


def _tag(header: str) -> str:
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "tag":
            return value
    return ""


def _target(uri: str) -> tuple[str, int]:
    """``sip:bob@10.0.0.5:5080;transport=udp`` -> ``("10.0.0.5", 5080)``."""
    if not uri.startswith("sip:"):
        raise ValueError(f"{uri!r} is not a SIP URI (expected sip:user@host[:port])")
    hostport = uri[4:].split(";", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    host, sep, port = hostport.partition(":")
    if not host or (sep and not port.isdigit()):
        raise ValueError(f"{uri!r} has no usable host[:port]")
    return host, int(port) if sep else 5060


class SIPVoiceBackend(VoiceBackend, asyncio.DatagramProtocol):
    name = "sip"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 5060,
        rtp_host: str | None = None,
        username: str | None = None,
        password: str | None = None,
        users: Mapping[str, str] | None = None,
        realm: str = "roomkit",
        auth_algorithm: Literal["MD5", "SHA-256"] = "MD5",
        registration: SIPRegistration | None = None,
        clock: Clock | None = None,
    ) -> None:
        """``username``/``password`` answer challenges to our requests; ``users`` (name ->
        password) makes incoming INVITEs authenticate in ``realm`` with ``auth_algorithm``;
        ``registration`` binds our Contact at a registrar on ``start()``, its refreshes timed
        on ``clock`` (a RoomKit Clock; real time by default)."""
        if (username is None) != (password is None):
            raise ValueError("SIPVoiceBackend needs both username and password, or neither")
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.verifier = (
            DigestVerifier(dict(users), realm=realm, algorithm=auth_algorithm) if users else None
        )
        self.rtp = RTPVoiceBackend(local_host=rtp_host or host)
        self.rtp.on_session_lost(self._rtp_lost)
        self._transport: asyncio.DatagramTransport | None = None
        self._client = ClientTransactions(self._send)
        self._incoming: list[IncomingCallback] = []
        self._lost: list[SessionCallback] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._dialing: dict[str, SIPMessage] = {}  # call-id -> our INVITE, until it is final
        self.calls: dict[str, SIPCall] = {}
        self._by_session: dict[str, SIPCall] = {}
        self.malformed = 0
        self.registration = registration
        self.clock = clock or SystemClock()
        self.binding: Binding | None = None

    @property
    def capabilities(self) -> VoiceCapability:
        return self.rtp.capabilities

    async def start(self) -> SIPVoiceBackend:
        if self._transport is None:
            loop = asyncio.get_running_loop()
            await loop.create_datagram_endpoint(lambda: self, local_addr=(self.host, self.port))
            assert self._transport is not None
            self.port = self._transport.get_extra_info("sockname")[1]
            if self.registration is not None:
                try:
                    await self.register()
                except BaseException:
                    await self.close()
                    raise
        return self

    async def register(self, registration: SIPRegistration | None = None) -> int:
        """Bind our Contact at the registrar (``registration``, else the one given to the
        constructor) and keep it fresh; the granted lifetime in seconds. A refusal or silence
        raises ``SIPRegistrationError`` (``SIPRegistrationTimeout``)."""
        if self._transport is None:
            raise RuntimeError("start() the SIPVoiceBackend before registering")
        config = registration or self.registration
        if config is None:
            raise ValueError("register() needs a SIPRegistration (or one given to the backend)")
        await self.unregister()
        self.registration = config
        host, port = _target(config.registrar)
        username, password = config.username, config.password
        if username is None:
            username, password = self.username, self.password
        binding = Binding(
            config,
            send=self._transact,
            registrar_addr=(await self._resolve(host), port),
            local=(self.host, self.port),
            clock=self.clock,
            username=username,
            password=password,
        )
        granted = await binding.register()
        self.binding = binding
        return granted

    async def unregister(self) -> None:
        """Remove our binding at the registrar (``Expires: 0``) and stop refreshing it."""
        binding, self.binding = self.binding, None
        if binding is not None:
            await binding.unregister()

    async def _transact(
        self, request: SIPMessage, addr: tuple[str, int], limit: float
    ) -> SIPMessage:
        return await self._client.request(request, addr, limit=limit)

    async def close(self) -> None:
        for call in list(self._by_session.values()):
            session = self.rtp.session(call.session_id) if call.session_id else None
            if session is not None:
                await self.disconnect(session)
        for call in list(self.calls.values()):
            if call.direction == "outbound" and call.session_id is None:
                await self.hang_up(call)
        if self._transport is not None:
            await self.unregister()
        if self._background:
            await asyncio.wait(self._background, timeout=2)
        for task in list(self._background):
            task.cancel()
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
                "SIPVoiceBackend joins calls: join with metadata={'sip_call_id': call.call_id}, "
                "the call from on_incoming_call or from await backend.call(uri)"
            )
        if call.session_id is not None:
            raise ValueError(f"SIP call {call.call_id} is already joined")
        meta.update(remote_host=call.offer.host, remote_port=call.offer.port)
        if call.local_port is not None:
            meta["local_port"] = call.local_port
        session = await self.rtp.connect(room_id, participant_id, channel_id, metadata=meta)
        call.session_id = session.id
        self._by_session[session.id] = call
        if call.direction == "outbound":
            return session  # answered already
        body = sdp_answer(
            self.rtp.local_host,
            self.rtp.local_port(session),
            self.rtp.codec.payload_type,
            self.rtp.codec.name.upper(),
            self.rtp.dtmf_payload_type,
        )
        self._send(
            response(
                call.invite, 200, "OK", to_tag=call.to_tag, extra=[self._contact()], body=body
            ),
            call.addr,
        )
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        call = self._by_session.pop(session.id, None)
        if call is not None:
            self.calls.pop(call.call_id, None)
            self._spawn(self._bye(call))
        await self.rtp.disconnect(session)

    async def hang_up(self, call: SIPCall) -> None:
        """End a call that was never joined to a room (a joined one ends with ``kit.leave``)."""
        if call.session_id is not None:
            session = self.rtp.session(call.session_id)
            if session is not None:
                await self.disconnect(session)
            return
        if self.calls.pop(call.call_id, None) is None:
            return
        if call.local_port is not None:
            self.rtp.release_port(call.local_port)
        if call.direction == "outbound":
            self._spawn(self._bye(call))
        else:
            self._send(response(call.invite, 486, "Busy Here", to_tag=call.to_tag), call.addr)

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        await self.rtp.send_audio(session, frame)

    async def cancel_audio(self, session: VoiceSession) -> bool:
        return await self.rtp.cancel_audio(session)

    async def send_dtmf(self, session: VoiceSession, digit: str, duration_ms: int = 160) -> None:
        await self.rtp.send_dtmf(session, digit, duration_ms)

    # outgoing calls -------------------------------------------------------------------------
    async def call(
        self, uri: str, *, from_user: str | None = None, answer_timeout: float = 30.0
    ) -> SIPCall:
        """Call ``uri`` (``sip:user@host[:port]``) and return the answered call; join it with
        ``kit.join(room, channel, metadata={"sip_call_id": call.call_id})``. Unanswered after
        ``answer_timeout`` seconds, the INVITE is cancelled and ``SIPCallTimeout`` raised."""
        if self._transport is None:
            raise RuntimeError("start() the SIPVoiceBackend before calling out")
        host, port = _target(uri)
        addr = (await self._resolve(host), port)
        local_port = self.rtp.reserve_port()
        codec = self.rtp.codec
        offer = sdp_answer(
            self.rtp.local_host,
            local_port,
            codec.payload_type,
            codec.name.upper(),
            self.rtp.dtmf_payload_type,
        )
        user = from_user or self.username or "roomkit"
        call_id = f"{uuid.uuid4().hex}@{self.host}"
        local_tag = uuid.uuid4().hex[:10]
        from_header = f"<sip:{user}@{self.host}>;tag={local_tag}"
        to_header = f"<{uri}>"
        try:
            final, invite = await self._invite(
                uri, addr, call_id, from_header, to_header, offer, answer_timeout
            )
        except BaseException:
            self.rtp.release_port(local_port)
            raise
        try:
            answer = parse_sdp(final.body)
        except SIPParseError as exc:
            self.rtp.release_port(local_port)
            self._ack(invite, final, addr)
            call = SIPCall(
                call_id, _uri(from_header), uri, AudioOffer("", 0, (), None), invite, addr
            )
            call.local_header, call.remote_header = from_header, final.header("to")
            call.remote_target = _uri(final.header("contact")) or uri
            call.cseq = int(invite.header("cseq").split()[0]) + 1
            self._spawn(self._bye(call))
            raise SIPCallError(f"{uri} answered without a usable SDP answer: {exc}") from exc
        call = SIPCall(
            call_id,
            _uri(from_header),
            uri,
            answer,
            invite,
            addr,
            to_tag=local_tag,
            direction="outbound",
            local_port=local_port,
            local_header=from_header,
            remote_header=final.header("to"),
            remote_target=_uri(final.header("contact")) or uri,
            cseq=int(invite.header("cseq").split()[0]) + 1,
        )
        self.calls[call_id] = call
        self._ack(invite, final, addr)
        return call

    async def _invite(
        self,
        uri: str,
        addr: tuple[str, int],
        call_id: str,
        from_header: str,
        to_header: str,
        offer: str,
        limit: float,
    ) -> tuple[SIPMessage, SIPMessage]:
        """The INVITE transaction(s) up to a 2xx, answering challenges on the way."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        cseq, authorization, tried = 1, None, 0
        while True:
            extra = [self._contact(), ("content-type", "application/sdp")]
            if authorization is not None:
                extra.append(authorization)
            invite = self._request(
                "INVITE", uri, from_header, to_header, call_id, cseq, extra=extra, body=offer
            )
            self._dialing[call_id] = invite
            ringing: list[SIPMessage] = []
            try:
                final = await self._client.request(
                    invite,
                    addr,
                    limit=max(0.0, deadline - loop.time()),
                    on_provisional=ringing.append,
                )
            except (SIPCallTimeout, asyncio.CancelledError) as exc:
                self._dialing.pop(call_id, None)
                if ringing:
                    self._cancel(invite, addr)
                if isinstance(exc, SIPCallTimeout) and ringing:
                    raise SIPCallTimeout(
                        f"{uri} did not answer within {limit:g} s (cancelled)"
                    ) from exc
                if isinstance(exc, SIPCallTimeout):
                    raise SIPCallTimeout(
                        f"no response from {uri} at {addr[0]}:{addr[1]} within {limit:g} s"
                    ) from exc
                raise
            self._dialing.pop(call_id, None)
            status = final.status
            if 200 <= status < 300:
                return final, invite
            self._ack(invite, final, addr)
            reason = final.start.split(" ", 2)[2] if final.start.count(" ") >= 2 else ""
            if status in AUTH_HEADERS:
                challenge_header, answer_header = AUTH_HEADERS[status]
                stale = "stale=true" in final.header(challenge_header).replace(" ", "").lower()
                if self.username is None or self.password is None:
                    raise SIPAuthError(
                        f"{uri} asks for authentication ({status} {reason}); give SIPVoiceBackend "
                        "a username and password",
                        status=status,
                        reason=reason,
                    )
                if tried and not stale:
                    raise SIPAuthError(
                        f"{uri} refused the credentials of {self.username!r} ({status} {reason})",
                        status=status,
                        reason=reason,
                    )
                if tried > 2:
                    raise SIPAuthError(
                        f"{uri} keeps challenging ({status} {reason})", status=status, reason=reason
                    )
                try:
                    challenge = Challenge.parse(final.header(challenge_header))
                except DigestError as exc:
                    raise SIPAuthError(f"{uri}: {exc}", status=status, reason=reason) from exc
                authorization = (
                    answer_header,
                    challenge.authorization(self.username, self.password, "INVITE", uri),
                )
                tried += 1
                cseq += 1
                continue
            if status == 403 and tried:
                raise SIPAuthError(
                    f"{uri} refused the credentials of {self.username!r} ({status} {reason})",
                    status=status,
                    reason=reason,
                )
            raise SIPCallError(
                f"{uri} refused the call: {status} {reason}", status=status, reason=reason
            )

    def _cancel(self, invite: SIPMessage, addr: tuple[str, int]) -> None:
        """CANCEL a ringing INVITE (its 487 is ACKed when it comes, by ``_stray``)."""
        headers = [
            ("via", invite.header("via")),
            ("max-forwards", "70"),
            ("from", invite.header("from")),
            ("to", invite.header("to")),
            ("call-id", invite.header("call-id")),
            ("cseq", f"{invite.header('cseq').split()[0]} CANCEL"),
        ]
        cancel = SIPMessage(f"CANCEL {invite.start.split(' ')[1]} SIP/2.0", headers)
        self._dialing[invite.header("call-id")] = invite
        self._spawn(self._cancel_transaction(cancel, addr, invite.header("call-id")))

    async def _cancel_transaction(
        self, cancel: SIPMessage, addr: tuple[str, int], call_id: str
    ) -> None:
        try:
            await self._client.request(cancel, addr, limit=8)
            await asyncio.sleep(4)  # the INVITE's 487 (or a crossing 200) may still come
        except SIPCallTimeout:
            log.warning("no answer to CANCEL of call %s", call_id)
        finally:
            self._dialing.pop(call_id, None)

    def _ack(self, invite: SIPMessage, final: SIPMessage, addr: tuple[str, int]) -> None:
        """ACK a final response: a 2xx in a new transaction to the Contact, others in the
        INVITE's own (same branch)."""
        number = invite.header("cseq").split()[0]
        if 200 <= final.status < 300:
            target = _uri(final.header("contact")) or invite.start.split(" ")[1]
            via = f"SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:12]}"
        else:
            target, via = invite.start.split(" ")[1], invite.header("via")
        headers = [
            ("via", via),
            ("max-forwards", "70"),
            ("from", invite.header("from")),
            ("to", final.header("to")),
            ("call-id", invite.header("call-id")),
            ("cseq", f"{number} ACK"),
        ]
        headers += [
            (k, v) for k, v in invite.headers if k in ("authorization", "proxy-authorization")
        ]
        self._send(SIPMessage(f"ACK {target} SIP/2.0", headers), addr)

    # requests we send ------------------------------------------------------------------------
    def _contact(self) -> tuple[str, str]:
        return ("contact", f"<sip:{self.username or 'roomkit'}@{self.host}:{self.port}>")

    def _request(
        self,
        method: str,
        uri: str,
        from_header: str,
        to_header: str,
        call_id: str,
        cseq: int,
        *,
        extra: list[tuple[str, str]] | None = None,
        body: str = "",
    ) -> SIPMessage:
        headers = [
            ("via", f"SIP/2.0/UDP {self.host}:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:12]}"),
            ("max-forwards", "70"),
            ("from", from_header),
            ("to", to_header),
            ("call-id", call_id),
            ("cseq", f"{cseq} {method}"),
            *(extra or []),
        ]
        return SIPMessage(f"{method} {uri} SIP/2.0", headers, body)

    def _dialog(self, call: SIPCall) -> None:
        """Fill in the dialog of an incoming call (we are its To side)."""
        invite = call.invite
        call.local_header = f"{invite.header('to')};tag={call.to_tag}"
        call.remote_header = invite.header("from")
        call.remote_target = _uri(invite.header("contact") or invite.header("from"))

    async def _bye(self, call: SIPCall) -> None:
        """Send BYE in the call's dialog, answering one challenge with our credentials."""
        authorization: tuple[str, str] | None = None
        for _ in range(2):
            bye = self._request(
                "BYE",
                call.remote_target,
                call.local_header,
                call.remote_header,
                call.call_id,
                call.cseq,
                extra=[authorization] if authorization else None,
            )
            call.cseq += 1
            try:
                final = await self._client.request(bye, call.addr, limit=8)
            except SIPCallTimeout:
                log.warning("no answer to BYE of call %s", call.call_id)
                return
            pair = AUTH_HEADERS.get(final.status)
            if pair is None or self.username is None or self.password is None or authorization:
                if final.status >= 300:
                    log.warning("BYE of call %s answered %s", call.call_id, final.start)
                return
            try:
                challenge = Challenge.parse(final.header(pair[0]))
            except DigestError as exc:
                log.warning("BYE of call %s: %s", call.call_id, exc)
                return
            auth = challenge.authorization(self.username, self.password, "BYE", call.remote_target)
            authorization = (pair[1], auth)

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _resolve(self, host: str) -> str:
        try:
            ipaddress.ip_address(host)
            return host
        except ValueError:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, family=2)
            return str(infos[0][4][0])

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
            if not self._client.deliver(message):
                self._stray(message, addr)
            return
        method = message.method
        if method == "INVITE":
            if self._authenticated(message, addr):
                asyncio.get_running_loop().create_task(self._incoming_invite(message, addr))
        elif method == "BYE":
            self._send(response(message, 200, "OK"), addr)
            call = self.calls.pop(message.header("call-id"), None)
            if call is not None and call.session_id is not None:
                self._by_session.pop(call.session_id, None)
                session = self.rtp.session(call.session_id)
                if session is not None:
                    asyncio.get_running_loop().create_task(self._hung_up(session))
            elif call is not None and call.local_port is not None:
                self.rtp.release_port(call.local_port)
        elif method == "ACK":
            return
        elif method == "CANCEL":
            self._send(response(message, 200, "OK"), addr)
            call = self.calls.get(message.header("call-id"))
            if call is not None and call.direction == "inbound" and call.session_id is None:
                self.calls.pop(call.call_id, None)
                self._send(
                    response(call.invite, 487, "Request Terminated", to_tag=call.to_tag), addr
                )
        elif method == "OPTIONS":
            self._send(response(message, 200, "OK"), addr)
        else:
            self._send(response(message, 501, "Not Implemented"), addr)

    def _stray(self, message: SIPMessage, addr: tuple[str, int]) -> None:
        """A response no transaction waits for: a retransmitted 2xx (ACK it again), the 487
        of a cancelled INVITE (ACK it), or a 2xx that crossed our CANCEL (ACK, then BYE)."""
        if message.cseq_method != "INVITE":
            return
        call_id = message.header("call-id")
        call = self.calls.get(call_id)
        invite = call.invite if call is not None else self._dialing.get(call_id)
        if invite is None:
            return
        self._ack(invite, message, addr)
        if call is None and 200 <= message.status < 300:
            late = SIPCall(call_id, "", "", AudioOffer("", 0, (), None), invite, addr)
            late.local_header, late.remote_header = invite.header("from"), message.header("to")
            late.remote_target = _uri(message.header("contact")) or invite.start.split(" ")[1]
            late.cseq = int(invite.header("cseq").split()[0]) + 1
            self._spawn(self._bye(late))

    def _authenticated(self, invite: SIPMessage, addr: tuple[str, int]) -> bool:
        if self.verifier is None:
            return True
        uri = invite.start.split(" ")[1]
        verdict = self.verifier.check(invite.header("authorization"), "INVITE", uri)
        if verdict == "ok":
            return True
        tag = uuid.uuid4().hex[:10]
        if verdict == "missing":
            stale = bool(invite.header("authorization"))
            challenge = ("www-authenticate", self.verifier.challenge(stale=stale))
            self._send(response(invite, 401, "Unauthorized", to_tag=tag, extra=[challenge]), addr)
        else:
            self._send(response(invite, 403, "Forbidden", to_tag=tag), addr)
        return False

    async def _incoming_invite(self, invite: SIPMessage, addr: tuple[str, int]) -> None:
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
        self._dialog(call)
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
            self._spawn(self._bye(call))
        self._report_lost(session)

    def _report_lost(self, session: VoiceSession) -> None:
        ended = session.model_copy(update={"state": VoiceSessionState.ENDED})
        for callback in self._lost:
            callback(ended)


__all__ = [
    "SIPAuthError",
    "SIPCall",
    "SIPCallError",
    "SIPCallTimeout",
    "SIPRegistration",
    "SIPRegistrationError",
    "SIPRegistrationTimeout",
    "SIPVoiceBackend",
]
