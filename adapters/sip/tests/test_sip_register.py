"""Registration with a SIP registrar over UDP on 127.0.0.1: the registrar fake challenges with
digest, grants a lifetime, refuses or stays silent, and routes a call to the registered Contact.
Refreshes run on a clock the tests move by hand."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from roomkit import RoomKit, VoiceChannel
from roomkit.domain.voice import VoiceSession
from roomkit.ports.clock import Clock
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.mock import MockTTSProvider
from roomkit_fakes.rtp import RTPPeer
from roomkit_fakes.sip import SIPRegistrar
from roomkit_sip import (
    SIPCall,
    SIPRegistration,
    SIPRegistrationError,
    SIPRegistrationTimeout,
    SIPVoiceBackend,
)
from roomkit_sip.message import SIPMessage
from roomkit_sip.registration import granted_expires

AOR = "sip:agent@example.test"


class SteppedClock(Clock):
    """Time moves only on ``advance``; a sleeper wakes once its time has come."""

    def __init__(self) -> None:
        self._mono = 0.0
        self.asked: list[float] = []  # every sleep requested, in order
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self._mono)

    def monotonic(self) -> float:
        return self._mono

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._mono + seconds, waiter))
        await waiter

    def sleeping(self) -> bool:
        return any(not waiter.done() for _, waiter in self._sleepers)

    def advance(self, seconds: float) -> None:
        self._mono += seconds
        for due, waiter in list(self._sleepers):
            if due <= self._mono:
                self._sleepers.remove((due, waiter))
                if not waiter.done():
                    waiter.set_result(None)


async def eventually(check: Callable[[], object], limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def cseq(registrar: SIPRegistrar, index: int) -> int:
    return int(registrar.header(index, "cseq").split()[0])


def registration(registrar: SIPRegistrar, **kwargs: object) -> SIPRegistration:
    return SIPRegistration(registrar=registrar.uri, aor=AOR, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
async def test_registering_answers_the_registrars_digest_challenge(algorithm: str) -> None:
    registrar = await SIPRegistrar(
        password="s3cret",
        username="agent",
        algorithm=algorithm,  # type: ignore[arg-type]
    ).start()
    config = registration(registrar, username="agent", password="s3cret", expires=600)
    backend = await SIPVoiceBackend(port=0, registration=config, clock=SteppedClock()).start()
    assert len(registrar.registers) == 2  # the first one challenged
    assert registrar.header(0, "authorization") == ""
    assert registrar.header(1, "authorization").startswith("Digest ")
    [accepted] = registrar.authorized  # verified by the registrar with the password
    assert accepted["username"] == "agent" and accepted["realm"] == "registrar.test"
    assert accepted["nonce"] == registrar.issued[0] and accepted["uri"] == registrar.uri
    assert accepted["algorithm"] == algorithm and len(accepted["response"]) > 0
    assert registrar.registers[1].startswith(f"REGISTER {registrar.uri} SIP/2.0\r\n")
    assert registrar.header(1, "to") == f"<{AOR}>" and registrar.header(1, "from").startswith(
        f"<{AOR}>;tag="
    )
    contact = f"sip:agent@127.0.0.1:{backend.port}"
    assert registrar.header(1, "contact") == f"<{contact}>"
    assert registrar.header(1, "expires") == "600"
    assert registrar.bindings == {AOR: (contact, 600)}
    assert backend.binding is not None and backend.binding.granted == 600
    await backend.close()
    registrar.close()


async def test_the_backends_own_credentials_answer_when_the_registration_has_none() -> None:
    registrar = await SIPRegistrar(password="pw", username="roomkit").start()
    backend = await SIPVoiceBackend(
        port=0, username="roomkit", password="pw", clock=SteppedClock()
    ).start()
    assert await backend.register(registration(registrar)) == 3600
    assert registrar.authorized[0]["username"] == "roomkit"
    await backend.close()
    registrar.close()


@pytest.mark.parametrize("expires_in", ["contact", "header"])
async def test_the_registration_is_refreshed_at_half_the_granted_lifetime(
    expires_in: str,
) -> None:
    registrar = await SIPRegistrar(
        password="pw",
        username="agent",
        grant=60,
        expires_in=expires_in,  # type: ignore[arg-type]
    ).start()
    clock = SteppedClock()
    config = registration(registrar, username="agent", password="pw", expires=3600)
    backend = await SIPVoiceBackend(port=0, registration=config, clock=clock).start()
    assert backend.binding is not None and backend.binding.granted == 60
    assert registrar.header(1, "expires") == "3600"
    await eventually(clock.sleeping)
    assert clock.asked == [30]
    clock.advance(29)
    assert clock.sleeping() and len(registrar.registers) == 2
    clock.advance(1)
    await eventually(lambda: len(registrar.authorized) == 2)
    await eventually(lambda: clock.asked == [30, 30])
    call_ids = {registrar.header(i, "call-id") for i in range(len(registrar.registers))}
    assert call_ids == {backend.binding.call_id}  # one Call-ID for every REGISTER
    numbers = [cseq(registrar, i) for i in range(len(registrar.registers))]
    assert numbers == sorted(set(numbers)) and len(numbers) == 4
    await backend.close()
    registrar.close()


async def test_a_failed_refresh_is_logged_and_retried_with_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registrar = await SIPRegistrar(grant=60).start()
    clock = SteppedClock()
    config = registration(registrar, retry_min=5, retry_max=8)
    backend = await SIPVoiceBackend(port=0, registration=config, clock=clock).start()
    await eventually(clock.sleeping)
    registrar.mode = "refuse"
    with caplog.at_level(logging.ERROR, logger="roomkit.sip"):
        clock.advance(30)
        await eventually(lambda: clock.asked == [30, 5])
        clock.advance(5)
        await eventually(lambda: clock.asked == [30, 5, 8])
    failures = [
        r.getMessage() for r in caplog.records if "refreshing the registration" in r.getMessage()
    ]
    assert len(failures) == 2
    assert registrar.uri in failures[0] and "403 Forbidden" in failures[0]
    assert backend.binding is not None and backend.binding.failures == 2
    registrar.mode = "accept"
    clock.advance(8)
    await eventually(lambda: clock.asked == [30, 5, 8, 30])
    assert backend.binding.failures == 0 and len(registrar.registers) == 4
    await backend.close()
    registrar.close()


async def test_closing_unregisters_with_expires_zero() -> None:
    registrar = await SIPRegistrar(password="pw", username="agent").start()
    config = registration(registrar, username="agent", password="pw")
    backend = await SIPVoiceBackend(port=0, registration=config, clock=SteppedClock()).start()
    assert AOR in registrar.bindings
    call_id = registrar.header(0, "call-id")
    await backend.close()
    assert registrar.header(-1, "expires") == "0"
    assert registrar.header(-1, "contact") == f"<sip:agent@127.0.0.1:{backend.port}>"
    assert registrar.header(-1, "call-id") == call_id
    assert cseq(registrar, -1) > cseq(registrar, 1)
    assert registrar.bindings == {}
    registrar.close()


async def test_a_refused_registration_is_a_clear_error() -> None:
    registrar = await SIPRegistrar(mode="refuse").start()
    backend = SIPVoiceBackend(port=0, registration=registration(registrar), clock=SteppedClock())
    with pytest.raises(SIPRegistrationError, match="403 Forbidden") as caught:
        await backend.start()
    assert registrar.uri in str(caught.value) and AOR in str(caught.value)
    assert caught.value.status == 403 and caught.value.registrar == registrar.uri
    assert backend._transport is None  # start() failing leaves nothing open
    registrar.close()


async def test_wrong_credentials_name_the_user_and_the_status() -> None:
    registrar = await SIPRegistrar(password="right", username="agent").start()
    config = registration(registrar, username="agent", password="wrong")
    backend = SIPVoiceBackend(port=0, registration=config, clock=SteppedClock())
    with pytest.raises(SIPRegistrationError, match="refused the credentials of 'agent'") as caught:
        await backend.start()
    assert caught.value.status == 403
    no_credentials = SIPVoiceBackend(
        port=0, registration=registration(registrar), clock=SteppedClock()
    )
    with pytest.raises(SIPRegistrationError, match="username and password") as caught:
        await no_credentials.start()
    assert caught.value.status == 401
    registrar.close()


async def test_a_silent_registrar_is_a_timeout() -> None:
    registrar = await SIPRegistrar(mode="silent").start()
    config = registration(registrar, timeout=1.2)
    backend = SIPVoiceBackend(port=0, registration=config, clock=SteppedClock())
    with pytest.raises(SIPRegistrationTimeout, match="did not answer REGISTER") as caught:
        await backend.start()
    assert isinstance(caught.value, TimeoutError) and registrar.uri in str(caught.value)
    assert len(registrar.registers) >= 2  # retransmitted over UDP
    registrar.close()


async def test_a_call_routed_by_the_registrar_reaches_a_voice_channel_session() -> None:
    registrar = await SIPRegistrar(password="pw", username="agent").start()
    config = registration(registrar, username="agent", password="pw")
    backend = await SIPVoiceBackend(port=0, registration=config, clock=SteppedClock()).start()
    kit = RoomKit()
    kit.register_channel(
        VoiceChannel("phone", stt=MockSTTProvider(), tts=MockTTSProvider(), backend=backend)
    )
    await kit.create_room(room_id="desk")
    await kit.attach_channel("desk", "phone")
    calls: list[SIPCall] = []
    sessions: list[VoiceSession] = []

    async def answer(call: SIPCall) -> None:
        calls.append(call)
        sessions.append(
            await kit.join(
                "desk",
                "phone",
                participant_id=call.from_uri,
                metadata={"sip_call_id": call.call_id},
            )
        )

    backend.on_incoming_call(answer)
    media = await RTPPeer().start()
    phone = await registrar.call(AOR, rtp_port=media.port)
    await asyncio.wait_for(phone.answered.wait(), 10)
    assert calls[0].to_uri == AOR
    assert calls[0].invite.start == f"INVITE sip:agent@127.0.0.1:{backend.port} SIP/2.0"
    assert sessions[0].room_id == "desk" and sessions[0].metadata["sip_call_id"] == phone.call_id
    await kit.leave(sessions[0])
    await asyncio.wait_for(phone.bye_received.wait(), 10)
    await kit.close()
    with pytest.raises(LookupError):
        await registrar.call(AOR)  # closing the kit unregistered the agent
    phone.close()
    media.close()
    registrar.close()


async def test_registering_needs_a_started_backend_and_a_registration() -> None:
    backend = SIPVoiceBackend(port=0)
    with pytest.raises(RuntimeError, match="start"):
        await backend.register()
    await backend.start()
    with pytest.raises(ValueError, match="SIPRegistration"):
        await backend.register()
    await backend.close()
    with pytest.raises(ValueError, match="not a SIP URI"):
        SIPRegistration(registrar="pbx.example.com", aor=AOR)


def test_the_granted_lifetime_is_read_from_our_contact() -> None:
    ours = "sip:agent@10.0.0.2:5060"
    ok = SIPMessage(
        "SIP/2.0 200 OK",
        [
            ("contact", '"Desk" <sip:agent@10.0.0.9:5060>;expires=900, <' + ours + ">;expires=120"),
            ("expires", "300"),
        ],
    )
    assert granted_expires(ok, ours, 3600) == 120
    assert granted_expires(ok, "sip:other@10.0.0.3", 3600) == 300
    assert granted_expires(SIPMessage("SIP/2.0 200 OK"), ours, 3600) == 3600
