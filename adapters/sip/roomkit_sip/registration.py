"""Registration with a SIP registrar (RFC 3261 section 10), so calls to an address-of-record
reach this user agent.

A ``Binding`` sends ``REGISTER`` with our Contact, answers a ``401``/``407`` challenge with
digest, reads the lifetime the registrar grants (the Contact's ``expires`` parameter, else the
``Expires`` header), refreshes at half of it on the given clock, backs off when a refresh fails,
and removes itself with ``Expires: 0``. Every request of a binding shares one Call-ID and counts
up its CSeq (RFC 3261 10.2.4).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from roomkit.ports.clock import Clock
from roomkit_sip.digest import AUTH_HEADERS, Challenge, DigestError
from roomkit_sip.errors import SIPCallTimeout, SIPRegistrationError, SIPRegistrationTimeout
from roomkit_sip.message import SIPMessage

log = logging.getLogger("roomkit.sip")
RequestSender = Callable[[SIPMessage, tuple[str, int], float], Awaitable[SIPMessage]]


@dataclass(frozen=True)
class SIPRegistration:
    """Where to register and as whom: ``registrar`` is the registrar's URI
    (``sip:pbx.example.com:5060``), ``aor`` the address-of-record calls are placed to
    (``sip:agent@example.com``). ``username``/``password`` answer its challenge (the backend's
    own are used when these are None). ``timeout`` bounds each REGISTER transaction; a failed
    refresh is retried after ``retry_min`` seconds, doubling up to ``retry_max``."""

    registrar: str
    aor: str
    username: str | None = None
    password: str | None = None
    expires: int = 3600
    timeout: float = 32.0  # 64 * T1, RFC 3261's non-INVITE transaction timeout
    retry_min: float = 5.0
    retry_max: float = 300.0

    def __post_init__(self) -> None:
        for name, uri in (("registrar", self.registrar), ("aor", self.aor)):
            if not uri.startswith("sip:"):
                raise ValueError(f"SIPRegistration {name} {uri!r} is not a SIP URI")
        if (self.username is None) != (self.password is None):
            raise ValueError("SIPRegistration needs both username and password, or neither")
        if self.expires <= 0:
            raise ValueError("SIPRegistration expires must be a positive number of seconds")

    @property
    def user(self) -> str:
        """The AOR's user part, which our Contact carries too."""
        rest = self.aor[4:].split(";", 1)[0]
        return rest.rsplit("@", 1)[0] if "@" in rest else "roomkit"


def _split_contacts(values: list[str]) -> list[str]:
    """Contact header values, one per binding (a registrar may list several in one header)."""
    found: list[str] = []
    for value in values:
        depth, quoted, start = 0, False, 0
        for index, char in enumerate(value):
            if char == '"':
                quoted = not quoted
            elif not quoted and char == "<":
                depth += 1
            elif not quoted and char == ">":
                depth -= 1
            elif not quoted and depth == 0 and char == ",":
                found.append(value[start:index].strip())
                start = index + 1
        found.append(value[start:].strip())
    return [contact for contact in found if contact]


def _contact_uri(contact: str) -> str:
    start, end = contact.find("<"), contact.find(">")
    uri = contact[start + 1 : end] if 0 <= start < end else contact.split(";")[0]
    return uri.split(";", 1)[0].strip()


def _contact_expires(contact: str) -> int | None:
    end = contact.find(">")
    for part in contact[end + 1 :].split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "expires" and value.strip().isdigit():
            return int(value)
    return None


def granted_expires(final: SIPMessage, contact_uri: str, asked: int) -> int:
    """The lifetime the registrar gave our Contact: its ``expires`` parameter in the ``200 OK``,
    else the response's ``Expires`` header, else what we asked for."""
    for contact in _split_contacts(final.all("contact")):
        if _contact_uri(contact) == contact_uri:
            expires = _contact_expires(contact)
            if expires is not None:
                return expires
    header = final.header("expires").strip()
    return int(header) if header.isdigit() else asked


class Binding:
    """Our Contact, bound at one registrar to one AOR, kept alive until ``unregister()``."""

    def __init__(
        self,
        config: SIPRegistration,
        *,
        send: RequestSender,
        registrar_addr: tuple[str, int],
        local: tuple[str, int],
        clock: Clock,
        username: str | None,
        password: str | None,
    ) -> None:
        self.config = config
        self._send = send
        self._addr = registrar_addr
        self._host, self._port = local
        self._clock = clock
        self._username = username
        self._password = password
        self.contact_uri = f"sip:{config.user}@{self._host}:{self._port}"
        self.call_id = f"{uuid.uuid4().hex}@{self._host}"
        self.from_tag = uuid.uuid4().hex[:10]
        self.cseq = 0
        self.granted: int | None = None  # seconds, from the last successful REGISTER
        self.failures = 0  # consecutive failed refreshes
        self._refreshing: asyncio.Task[None] | None = None

    async def register(self) -> int:
        """Bind our Contact and keep it fresh; the granted lifetime in seconds."""
        self.granted = await self._register(self.config.expires)
        if self._refreshing is None:
            self._refreshing = asyncio.ensure_future(self._keep_fresh())
        return self.granted

    async def unregister(self) -> None:
        """Stop refreshing and remove our Contact (``Expires: 0``); failures are logged."""
        if self._refreshing is not None:
            self._refreshing.cancel()
            try:
                await self._refreshing
            except asyncio.CancelledError:
                pass
            self._refreshing = None
        if self.granted is None:
            return
        self.granted = None
        try:
            await self._register(0, limit=min(self.config.timeout, 8.0))
        except SIPRegistrationError as exc:
            log.warning("unregistering %s: %s", self.config.aor, exc)

    async def _keep_fresh(self) -> None:
        delay = self._refresh_delay()
        while True:
            await self._clock.sleep(delay)
            try:
                self.granted = await self._register(self.config.expires)
            except SIPRegistrationError as exc:
                self.failures += 1
                delay = min(self.config.retry_min * 2 ** (self.failures - 1), self.config.retry_max)
                log.error(
                    "refreshing the registration of %s failed: %s; retrying in %g s",
                    self.config.aor,
                    exc,
                    delay,
                )
                continue
            self.failures = 0
            delay = self._refresh_delay()

    def _refresh_delay(self) -> float:
        return max((self.granted or 0) / 2, 1.0)

    def _message(self, expires: int, authorization: tuple[str, str] | None) -> SIPMessage:
        self.cseq += 1
        headers = [
            ("via", f"SIP/2.0/UDP {self._host}:{self._port};branch=z9hG4bK{uuid.uuid4().hex[:12]}"),
            ("max-forwards", "70"),
            ("from", f"<{self.config.aor}>;tag={self.from_tag}"),
            ("to", f"<{self.config.aor}>"),
            ("call-id", self.call_id),
            ("cseq", f"{self.cseq} REGISTER"),
            ("contact", f"<{self.contact_uri}>"),
            ("expires", str(expires)),
        ]
        if authorization is not None:
            headers.append(authorization)
        return SIPMessage(f"REGISTER {self.config.registrar} SIP/2.0", headers)

    def _error(
        self, message: str, status: int | None = None, reason: str = ""
    ) -> SIPRegistrationError:
        return SIPRegistrationError(
            f"registrar {self.config.registrar}: {message}",
            registrar=self.config.registrar,
            status=status,
            reason=reason,
        )

    async def _register(self, expires: int, *, limit: float | None = None) -> int:
        """One REGISTER, through a challenge and a ``423 Interval Too Brief``."""
        limit = self.config.timeout if limit is None else limit
        registrar, aor = self.config.registrar, self.config.aor
        authorization: tuple[str, str] | None = None
        tried = 0
        raised_interval = False
        while True:
            request = self._message(expires, authorization)
            try:
                final = await self._send(request, self._addr, limit)
            except SIPCallTimeout as exc:
                raise SIPRegistrationTimeout(
                    f"registrar {registrar} did not answer REGISTER for {aor} within {limit:g} s",
                    registrar=registrar,
                ) from exc
            status = final.status
            reason = final.start.split(" ", 2)[2] if final.start.count(" ") >= 2 else ""
            if 200 <= status < 300:
                return granted_expires(final, self.contact_uri, expires) if expires else 0
            minimum = final.header("min-expires").strip()
            if status == 423 and minimum.isdigit() and not raised_interval:
                expires, raised_interval = int(minimum), True
                continue
            if status in AUTH_HEADERS:
                challenge_header, answer_header = AUTH_HEADERS[status]
                stale = "stale=true" in final.header(challenge_header).replace(" ", "").lower()
                if self._username is None or self._password is None:
                    raise self._error(
                        f"asks for authentication ({status} {reason}); give SIPRegistration "
                        "a username and password",
                        status,
                        reason,
                    )
                if (tried and not stale) or tried > 2:
                    raise self._error(
                        f"refused the credentials of {self._username!r} ({status} {reason})",
                        status,
                        reason,
                    )
                try:
                    challenge = Challenge.parse(final.header(challenge_header))
                except DigestError as exc:
                    raise self._error(str(exc), status, reason) from exc
                authorization = (
                    answer_header,
                    challenge.authorization(self._username, self._password, "REGISTER", registrar),
                )
                tried += 1
                continue
            if status == 403 and tried:
                raise self._error(
                    f"refused the credentials of {self._username!r} ({status} {reason})",
                    status,
                    reason,
                )
            raise self._error(
                f"refused the registration of {aor}: {status} {reason}", status, reason
            )


__all__ = ["Binding", "SIPRegistration", "granted_expires"]
