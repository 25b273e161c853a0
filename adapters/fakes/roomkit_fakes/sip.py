"""A SIP phone and a SIP registrar on 127.0.0.1 (UDP).

Calling: it sends an INVITE with an SDP offer for its RTP peer, answers a digest challenge when
given ``credentials``, records every response, ACKs the 200 OK, answers a BYE, and can hang up.

Called (at ``phone.uri``): it challenges the INVITE with digest when it has a ``password``
(``401`` or ``407``, MD5 or SHA-256, ``qop=auth``; wrong credentials get ``403``), rings, and
then answers with an SDP answer for its RTP peer (``answer="answer"``), refuses
(``answer="busy"``: 486), rings until cancelled (``"ring"``) or never responds (``"silent"``).

Registering (``SIPRegistrar``): it records every REGISTER, challenges it with digest, grants a
lifetime, refuses or stays silent, and places calls to a registered address-of-record.

Messages are written out by hand here (not with the backend's code), so the fake checks the
backend against the text of RFC 3261 rather than against itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Literal

from roomkit_fakes.udp import LoopbackUDP

_HASHES = {"MD5": "md5", "SHA-256": "sha256"}


def _h(algorithm: str, text: str) -> str:
    return hashlib.new(_HASHES[algorithm], text.encode()).hexdigest()


def _digest_params(value: str) -> dict[str, str]:
    found = re.finditer(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', value)
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in found}


def _check_digest(
    value: str,
    *,
    method: str,
    uri: str,
    nonces: set[str],
    realm: str,
    algorithm: str,
    password: str,
    username: str | None = None,
) -> str:
    """ "ok", "none" or "wrong", checked per RFC 2617 / 7616 with hashlib."""
    if not value.lower().startswith("digest "):
        return "none"
    params = _digest_params(value[7:])
    if params.get("nonce") not in nonces:
        return "none"
    if params.get("qop") != "auth" or params.get("uri") != uri:
        return "wrong"
    if username is not None and params.get("username") != username:
        return "wrong"
    used = params.get("algorithm", "MD5")
    if used != algorithm or params.get("realm") != realm:
        return "wrong"
    ha1 = _h(used, f"{params.get('username')}:{realm}:{password}")
    ha2 = _h(used, f"{method}:{uri}")
    expected = _h(
        used, f"{ha1}:{params['nonce']}:{params.get('nc')}:{params.get('cnonce')}:auth:{ha2}"
    )
    return "ok" if expected == params.get("response") else "wrong"


def _headers(text: str) -> dict[str, str]:
    return dict(
        (line.split(":", 1)[0].strip().lower(), line.split(":", 1)[1].strip())
        for line in text.split("\r\n\r\n")[0].split("\r\n")[1:]
        if ":" in line
    )


@dataclass(eq=False)
class SIPPhone(LoopbackUDP):
    user: str = "alice"
    rtp_port: int = 0
    received: list[str] = field(default_factory=list)
    server: tuple[str, int] | None = None
    credentials: tuple[str, str] | None = None  # (username, password) for our INVITEs
    password: str | None = None  # challenge INVITEs sent to us
    algorithm: Literal["MD5", "SHA-256"] = "MD5"
    challenge_status: Literal[401, 407] = 401
    realm: str = "phone.test"
    answer: Literal["answer", "busy", "ring", "silent"] = "answer"
    target: str = ""  # Request-URI of our requests (default sip:agent@127.0.0.1:<server port>)
    to_uri: str = "sip:agent@127.0.0.1"  # the To of our INVITE

    def __post_init__(self) -> None:
        self.call_id = uuid.uuid4().hex + "@127.0.0.1"
        self.from_tag = uuid.uuid4().hex[:8]
        self.to_header = ""
        self.bye_received = asyncio.Event()
        self.answered = asyncio.Event()
        self.acked = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.requests: list[str] = []  # every request sent to us, in order
        self.nonces: set[str] = set()
        self.offered_port = 0  # the caller's RTP port from its SDP offer
        self._invite: dict[str, str] = {}
        self._invite_uri = ""
        self._local_tag = uuid.uuid4().hex[:8]
        self._caller: tuple[str, int] | None = None
        self._cseq = 1

    async def start(self, server_port: int = 0) -> SIPPhone:
        """Bind a UDP port; ``server_port`` is where ``invite()`` calls (0 when only called)."""
        await self.bind()
        self.server = ("127.0.0.1", server_port)
        return self

    @property
    def uri(self) -> str:
        return f"sip:{self.user}@127.0.0.1:{self.port}"

    def _send(self, text: str) -> None:
        assert self.transport is not None and self.server is not None
        self.transport.sendto(text.encode(), self.server)

    def _request(self, method: str, cseq: int, to: str, body: str = "", extra: str = "") -> str:
        target = self.target or f"sip:agent@127.0.0.1:{self.server[1] if self.server else 0}"
        head = (
            f"{method} {target} SIP/2.0\r\n"
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

    def _sdp(self, payload_types: str = "0 101") -> str:
        return (
            "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {self.rtp_port} RTP/AVP {payload_types}\r\n"
            "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
        )

    def invite(self, payload_types: str = "0 101", authorization: str = "") -> None:
        self._payload_types = payload_types
        extra = f"Authorization: {authorization}\r\n" if authorization else ""
        self._send(
            self._request("INVITE", self._cseq, f"<{self.to_uri}>", self._sdp(payload_types), extra)
        )

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
        headers = dict(
            (line.split(":", 1)[0].lower(), line.split(":", 1)[1].strip())
            for line in text.split("\r\n\r\n")[0].split("\r\n")[1:]
            if ":" in line
        )
        if not text.startswith("SIP/2.0"):
            self.requests.append(text)
            if self._called(text, headers, addr):
                return
        else:
            self.received.append(text)
        if (
            text.startswith("SIP/2.0 401")
            and "INVITE" in headers.get("cseq", "")
            and self.credentials is not None
            and self._cseq == 1
        ):
            self._send(self._request("ACK", 1, headers["to"]))
            self._cseq = 2
            self.invite(self._payload_types, self._authorize(headers["www-authenticate"]))
        elif text.startswith("SIP/2.0 200") and "INVITE" in headers.get("cseq", ""):
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

    # being called ----------------------------------------------------------------------------
    def _authorize(self, challenge: str) -> str:
        assert self.credentials is not None and self.server is not None
        user, password = self.credentials
        params = _digest_params(challenge)
        algorithm = params.get("algorithm", "MD5")
        uri = f"sip:agent@127.0.0.1:{self.server[1]}"
        cnonce, nc = secrets.token_hex(4), "00000001"
        ha1 = _h(algorithm, f"{user}:{params['realm']}:{password}")
        ha2 = _h(algorithm, f"INVITE:{uri}")
        digest = _h(algorithm, f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
        return (
            f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
            f'uri="{uri}", response="{digest}", algorithm={algorithm}, qop=auth, nc={nc}, '
            f'cnonce="{cnonce}"'
        )

    def _reply(self, headers: dict[str, str], status: str, extra: str = "", body: str = "") -> str:
        to = (
            headers["to"]
            if ";tag=" in headers["to"] or status.startswith("100")
            else (f"{headers['to']};tag={self._local_tag}")
        )
        text = (
            f"SIP/2.0 {status}\r\nVia: {headers['via']}\r\nFrom: {headers['from']}\r\n"
            f"To: {to}\r\nCall-ID: {headers['call-id']}\r\nCSeq: {headers['cseq']}\r\n{extra}"
        )
        if body:
            text += "Content-Type: application/sdp\r\n"
        return text + f"Content-Length: {len(body.encode())}\r\n\r\n{body}"

    def _credentials_ok(self, method: str, uri: str, value: str) -> str:
        assert self.password is not None
        return _check_digest(
            value,
            method=method,
            uri=uri,
            nonces=self.nonces,
            realm=self.realm,
            algorithm=self.algorithm,
            password=self.password,
        )

    def _called(self, text: str, headers: dict[str, str], addr: tuple[str, int]) -> bool:
        """Handle a request sent to us as the called phone; False for the caller's side."""
        assert self.transport is not None
        method, uri = text.split(" ", 2)[:2]
        if self.answer == "silent":
            return True
        if method == "INVITE":
            if self.password is not None:
                field_name = (
                    "authorization" if self.challenge_status == 401 else "proxy-authorization"
                )
                verdict = self._credentials_ok("INVITE", uri, headers.get(field_name, ""))
                if verdict != "ok":
                    if verdict == "none":
                        nonce = secrets.token_hex(12)
                        self.nonces.add(nonce)
                        header = (
                            "WWW-Authenticate"
                            if self.challenge_status == 401
                            else "Proxy-Authenticate"
                        )
                        reason = (
                            "Unauthorized"
                            if self.challenge_status == 401
                            else "Proxy Authentication Required"
                        )
                        challenge = (
                            f'{header}: Digest realm="{self.realm}", nonce="{nonce}", '
                            f'algorithm={self.algorithm}, qop="auth", opaque="o-{nonce[:6]}"\r\n'
                        )
                        reply = self._reply(headers, f"{self.challenge_status} {reason}", challenge)
                    else:
                        reply = self._reply(headers, "403 Forbidden")
                    self.transport.sendto(reply.encode(), addr)
                    return True
            self._invite, self._invite_uri, self._caller = headers, uri, addr
            body = text.split("\r\n\r\n", 1)[1]
            line = next((x for x in body.split("\r\n") if x.startswith("m=audio")), "")
            self.offered_port = int(line.split()[1]) if line else 0
            self.transport.sendto(self._reply(headers, "100 Trying").encode(), addr)
            self.transport.sendto(self._reply(headers, "180 Ringing").encode(), addr)
            if self.answer == "busy":
                self.transport.sendto(self._reply(headers, "486 Busy Here").encode(), addr)
            elif self.answer == "answer":
                contact = f"Contact: <{self.uri}>\r\n"
                ok = self._reply(headers, "200 OK", contact, self._sdp())
                self.transport.sendto(ok.encode(), addr)
                self.answered.set()
            return True
        if method == "ACK":
            number = headers["cseq"].split()[0]
            if self.answered.is_set() and number == self._invite["cseq"].split()[0]:
                self.acked.set()  # the ACK of our 200 OK, not of a challenge
            return True
        if method == "CANCEL":
            self.transport.sendto(self._reply(headers, "200 OK").encode(), addr)
            if self._invite and not self.answered.is_set():
                terminated = self._reply(self._invite, "487 Request Terminated")
                self.transport.sendto(terminated.encode(), addr)
                self.cancelled.set()
            return True
        return False

    def hang_up(self) -> None:
        """BYE, as the called phone, for the call it answered."""
        assert self.transport is not None and self._caller is not None
        caller = self._invite
        target = caller.get("contact", "").strip("<>") or caller["from"]
        bye = (
            f"BYE {target} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{uuid.uuid4().hex[:10]}\r\n"
            f"Max-Forwards: 70\r\nFrom: {caller['to']};tag={self._local_tag}\r\n"
            f"To: {caller['from']}\r\nCall-ID: {caller['call-id']}\r\nCSeq: 1 BYE\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        self.transport.sendto(bye.encode(), self._caller)


@dataclass(eq=False)
class SIPRegistrar(LoopbackUDP):
    """A SIP registrar on 127.0.0.1 (UDP) that records every REGISTER.

    With a ``password`` it challenges each REGISTER (``401``, ``qop=auth``) and checks the answer
    with hashlib (wrong credentials get ``403``); accepted Authorization parameters land in
    ``authorized``. It grants what was asked, capped at ``grant`` when set, in the Contact's
    ``expires`` parameter (or the ``Expires`` header with ``expires_in="header"``); ``Expires: 0``
    removes the binding. ``mode`` ``"refuse"`` answers ``403``, ``"silent"`` never answers, and may
    be changed between requests. ``call(aor)`` routes an INVITE to the AOR's registered Contact.
    """

    password: str | None = None
    username: str | None = None
    realm: str = "registrar.test"
    algorithm: Literal["MD5", "SHA-256"] = "MD5"
    grant: int | None = None
    expires_in: Literal["contact", "header"] = "contact"
    mode: Literal["accept", "refuse", "silent"] = "accept"

    def __post_init__(self) -> None:
        self.registers: list[str] = []  # every REGISTER received, in order
        self.authorized: list[dict[str, str]] = []  # the digest parameters it accepted
        self.bindings: dict[str, tuple[str, int]] = {}  # AOR -> (Contact URI, seconds granted)
        self.nonces: set[str] = set()  # issued and not used yet
        self.issued: list[str] = []  # every nonce it challenged with
        self._tag = uuid.uuid4().hex[:8]

    async def start(self) -> SIPRegistrar:
        await self.bind()
        return self

    @property
    def uri(self) -> str:
        return f"sip:127.0.0.1:{self.port}"

    def header(self, index: int, name: str) -> str:
        """A header of the ``index``-th REGISTER received (``""`` when it has none)."""
        return _headers(self.registers[index]).get(name.lower(), "")

    def _reply(self, headers: dict[str, str], status: str, extra: str = "") -> str:
        return (
            f"SIP/2.0 {status}\r\nVia: {headers['via']}\r\nFrom: {headers['from']}\r\n"
            f"To: {headers['to']};tag={self._tag}\r\nCall-ID: {headers['call-id']}\r\n"
            f"CSeq: {headers['cseq']}\r\n{extra}Content-Length: 0\r\n\r\n"
        )

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        text = data.decode()
        if not text.startswith("REGISTER "):
            return
        self.registers.append(text)
        if self.mode == "silent":
            return
        headers = _headers(text)
        if self.mode == "refuse":
            self.transport.sendto(self._reply(headers, "403 Forbidden").encode(), addr)
            return
        uri = text.split(" ", 2)[1]
        if self.password is not None:
            value = headers.get("authorization", "")
            verdict = _check_digest(
                value,
                method="REGISTER",
                uri=uri,
                nonces=self.nonces,
                realm=self.realm,
                algorithm=self.algorithm,
                password=self.password,
                username=self.username,
            )
            if verdict == "none":
                nonce = secrets.token_hex(12)
                self.nonces.add(nonce)
                self.issued.append(nonce)
                challenge = (
                    f'WWW-Authenticate: Digest realm="{self.realm}", nonce="{nonce}", '
                    f'algorithm={self.algorithm}, qop="auth"\r\n'
                )
                reply = self._reply(headers, "401 Unauthorized", challenge)
                self.transport.sendto(reply.encode(), addr)
                return
            if verdict == "wrong":
                self.transport.sendto(self._reply(headers, "403 Forbidden").encode(), addr)
                return
            params = _digest_params(value[7:])
            self.nonces.discard(params["nonce"])  # one REGISTER per nonce
            self.authorized.append(params)
        aor = headers["to"].split("<", 1)[-1].split(">", 1)[0]
        contact = headers.get("contact", "")
        contact_uri = contact.split("<", 1)[-1].split(">", 1)[0]
        asked = int(headers.get("expires", "3600"))
        for param in contact.split(">", 1)[-1].split(";")[1:]:
            key, _, value = param.strip().partition("=")
            if key.lower() == "expires":
                asked = int(value)
        granted = min(asked, self.grant) if self.grant is not None else asked
        if granted == 0:
            self.bindings.pop(aor, None)
            self.transport.sendto(self._reply(headers, "200 OK").encode(), addr)
            return
        self.bindings[aor] = (contact_uri, granted)
        if self.expires_in == "contact":
            extra = f"Contact: <{contact_uri}>;expires={granted}\r\n"
        else:
            extra = f"Contact: <{contact_uri}>\r\nExpires: {granted}\r\n"
        self.transport.sendto(self._reply(headers, "200 OK", extra).encode(), addr)

    async def call(self, aor: str, *, rtp_port: int = 0, user: str = "caller") -> SIPPhone:
        """Place a call to ``aor`` at its registered Contact, as a PBX routes one; the phone
        that placed it (its INVITE already sent). ``LookupError`` when nothing is bound."""
        if aor not in self.bindings:
            raise LookupError(f"no Contact registered for {aor}")
        contact = self.bindings[aor][0]
        port = int(contact.rsplit(":", 1)[1].split(";", 1)[0])
        phone = await SIPPhone(user=user, rtp_port=rtp_port, target=contact, to_uri=aor).start(port)
        phone.invite()
        return phone
