"""SIP messages (RFC 3261) as far as a user agent answering calls needs them, and SDP audio."""

from __future__ import annotations

from dataclasses import dataclass, field

COMPACT = {
    "v": "via",
    "i": "call-id",
    "f": "from",
    "t": "to",
    "m": "contact",
    "l": "content-length",
    "c": "content-type",
}


class SIPParseError(ValueError):
    """A datagram that is not a SIP message."""


@dataclass
class SIPMessage:
    start: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""

    @property
    def is_request(self) -> bool:
        return not self.start.startswith("SIP/2.0")

    @property
    def method(self) -> str:
        return self.start.split(" ", 1)[0] if self.is_request else self.cseq_method

    @property
    def status(self) -> int:
        return int(self.start.split(" ")[1]) if not self.is_request else 0

    @property
    def cseq_method(self) -> str:
        return self.header("cseq").split()[-1]

    def header(self, name: str, default: str = "") -> str:
        for key, value in self.headers:
            if key == name:
                return value
        return default

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]

    @classmethod
    def parse(cls, data: bytes) -> SIPMessage:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SIPParseError("SIP messages are UTF-8 text") from exc
        head, _, body = text.partition("\r\n\r\n")
        lines = head.split("\r\n")
        if not lines or "SIP/2.0" not in lines[0]:
            raise SIPParseError(f"not a SIP start line: {lines[0][:60]!r}")
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and headers:  # folded header line
                key, value = headers[-1]
                headers[-1] = (key, value + " " + line.strip())
                continue
            name, sep, value = line.partition(":")
            if not sep:
                raise SIPParseError(f"bad header line {line[:60]!r}")
            key = name.strip().lower()
            headers.append((COMPACT.get(key, key), value.strip()))
        message = cls(lines[0], headers, body)
        length = int(message.header("content-length", str(len(body.encode()))) or 0)
        message.body = body.encode()[:length].decode()
        for required in ("via", "call-id", "from", "to", "cseq"):
            if not message.header(required):
                raise SIPParseError(f"SIP message without a {required} header")
        return message

    def to_bytes(self) -> bytes:
        lines = [self.start, *(f"{_title(k)}: {v}" for k, v in self.headers)]
        lines.append(f"Content-Length: {len(self.body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + self.body).encode()


def _title(name: str) -> str:
    return {"call-id": "Call-ID", "cseq": "CSeq", "www-authenticate": "WWW-Authenticate"}.get(
        name, "-".join(part.capitalize() for part in name.split("-"))
    )


def response(
    request: SIPMessage,
    status: int,
    reason: str,
    *,
    to_tag: str | None = None,
    extra: list[tuple[str, str]] | None = None,
    body: str = "",
) -> SIPMessage:
    """A response carrying the request's Via, From, To (tagged), Call-ID and CSeq."""
    to = request.header("to")
    if to_tag and ";tag=" not in to:
        to = f"{to};tag={to_tag}"
    headers = [("via", v) for v in request.all("via")]
    headers += [
        ("from", request.header("from")),
        ("to", to),
        ("call-id", request.header("call-id")),
        ("cseq", request.header("cseq")),
    ]
    headers += extra or []
    if body:
        headers.append(("content-type", "application/sdp"))
    headers = [(k, v) for k, v in headers if k != "content-length"]
    return SIPMessage(f"SIP/2.0 {status} {reason}", headers, body)


@dataclass(frozen=True)
class AudioOffer:
    host: str
    port: int
    payload_types: tuple[int, ...]
    dtmf_payload_type: int | None


def parse_sdp(body: str) -> AudioOffer:
    host, port, dtmf = "", 0, None
    types: tuple[int, ...] = ()
    for line in body.splitlines():
        if line.startswith("c=IN IP4 "):
            host = line.split()[-1]
        elif line.startswith("m=audio "):
            parts = line.split()
            port, types = int(parts[1]), tuple(int(p) for p in parts[3:])
        elif line.startswith("a=rtpmap:") and "telephone-event" in line.lower():
            dtmf = int(line.split(":", 1)[1].split()[0])
    if not host or not port:
        raise SIPParseError("the SDP offer has no audio connection (c= and m=audio lines)")
    return AudioOffer(host, port, types, dtmf)


def sdp_answer(host: str, port: int, payload_type: int, codec: str, dtmf_payload_type: int) -> str:
    return "\r\n".join(
        [
            "v=0",
            f"o=roomkit 1 1 IN IP4 {host}",
            "s=roomkit",
            f"c=IN IP4 {host}",
            "t=0 0",
            f"m=audio {port} RTP/AVP {payload_type} {dtmf_payload_type}",
            f"a=rtpmap:{payload_type} {codec}/8000",
            f"a=rtpmap:{dtmf_payload_type} telephone-event/8000",
            f"a=fmtp:{dtmf_payload_type} 0-16",
            "a=ptime:20",
            "a=sendrecv",
            "",
        ]
    )
