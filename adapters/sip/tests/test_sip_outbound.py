"""Outgoing SIP calls over UDP on 127.0.0.1: the SIP phone fake is called, challenges with
digest, answers, exchanges RTP audio and RFC 4733 digits, and hangs up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from roomkit import HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.mock import MockTTSProvider
from roomkit_fakes.rtp import RTPPeer
from roomkit_fakes.sip import SIPPhone
from roomkit_sip import SIPAuthError, SIPCallError, SIPCallTimeout, SIPVoiceBackend


async def eventually(check: Callable[[], object], limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@pytest.fixture
async def backend() -> AsyncIterator[SIPVoiceBackend]:
    server = await SIPVoiceBackend(port=0, username="roomkit", password="s3cret").start()
    yield server
    await server.close()


def requests(phone: SIPPhone, method: str) -> list[str]:
    return [r for r in phone.requests if r.startswith(method + " ")]


@pytest.mark.parametrize(("algorithm", "status"), [("MD5", 401), ("SHA-256", 407)])
async def test_an_outbound_call_authenticates_talks_and_hangs_up(
    backend: SIPVoiceBackend, algorithm: str, status: int
) -> None:
    kit = RoomKit()
    voice = VoiceChannel(
        "phone", stt=MockSTTProvider(), tts=MockTTSProvider(sample_rate=8000), backend=backend
    )
    kit.register_channel(voice)
    await kit.create_room(room_id="line")
    await kit.attach_channel("line", "phone")
    digits: list[str] = []

    @kit.hook(HookTrigger.ON_DTMF, execution=HookExecution.ASYNC)
    async def dtmf(event, ctx):  # type: ignore[no-untyped-def]
        digits.append(event.data["digit"])

    media = await RTPPeer().start()
    phone = await SIPPhone(
        user="bob",
        rtp_port=media.port,
        password="s3cret",
        algorithm=algorithm,  # type: ignore[arg-type]
        challenge_status=status,  # type: ignore[arg-type]
    ).start()
    call = await backend.call(phone.uri, answer_timeout=10)
    assert call.direction == "outbound" and call.to_uri == phone.uri
    invites = requests(phone, "INVITE")
    assert len(invites) == 2  # the first one challenged
    header = "Authorization" if status == 401 else "Proxy-Authorization"
    assert f"{header}: Digest " in invites[1] and f"algorithm={algorithm}" in invites[1]
    assert 'username="roomkit"' in invites[1] and "qop=auth" in invites[1]
    assert "m=audio " in invites[0] and "RTP/AVP 0 101" in invites[0]
    await asyncio.wait_for(phone.acked.wait(), 10)
    assert len(requests(phone, "ACK")) == 2  # the challenge's and the 200 OK's
    session = await kit.join(
        "line", "phone", participant_id="bob", metadata={"sip_call_id": call.call_id}
    )
    assert session.metadata["rtp_local_port"] == phone.offered_port
    media.connect_to(phone.offered_port)
    got: list[AudioFrame] = []
    backend.on_audio_received(lambda s, f: got.append(f))
    media.send_audio(b"\x00\x10" * 480)  # three 20 ms packets
    await eventually(lambda: len(got) >= 3)
    await backend.send_audio(session, AudioFrame(b"\x00\x08" * 1600, 8000))
    await eventually(lambda: len(media.heard()) >= 3000)
    media.send_dtmf("7")
    await eventually(lambda: digits == ["7"])
    await backend.send_dtmf(session, "#")
    await eventually(lambda: [d for d, _ in media.digits()] == ["#"])
    await kit.leave(session)
    await asyncio.wait_for(phone.bye_received.wait(), 10)
    bye = requests(phone, "BYE")[0]
    assert call.call_id in bye and f"sip:bob@127.0.0.1:{phone.port}" in bye.split("\r\n")[0]
    await kit.close()
    phone.close()
    media.close()


async def test_a_wrong_password_is_a_clear_error() -> None:
    backend = await SIPVoiceBackend(port=0, username="roomkit", password="wrong").start()
    phone = await SIPPhone(user="bob", password="s3cret").start()
    with pytest.raises(SIPAuthError, match="refused the credentials of 'roomkit'") as caught:
        await backend.call(phone.uri, answer_timeout=10)
    assert caught.value.status == 403
    assert not phone.answered.is_set()
    assert not backend.calls and not backend.rtp._reserved
    await backend.close()
    phone.close()


async def test_a_challenge_without_credentials_says_what_to_configure() -> None:
    backend = await SIPVoiceBackend(port=0).start()
    phone = await SIPPhone(user="bob", password="s3cret").start()
    with pytest.raises(SIPAuthError, match="username and password"):
        await backend.call(phone.uri, answer_timeout=10)
    await backend.close()
    phone.close()


async def test_busy_and_bad_uris_are_refused(backend: SIPVoiceBackend) -> None:
    phone = await SIPPhone(user="bob", answer="busy").start()
    with pytest.raises(SIPCallError, match="486 Busy Here") as caught:
        await backend.call(phone.uri, answer_timeout=10)
    assert caught.value.status == 486
    await eventually(lambda: requests(phone, "ACK"))  # the 486 is ACKed
    with pytest.raises(ValueError, match="not a SIP URI"):
        await backend.call("tel:+15145550100")
    phone.close()


async def test_an_unanswered_call_is_cancelled(backend: SIPVoiceBackend) -> None:
    phone = await SIPPhone(user="bob", answer="ring").start()
    with pytest.raises(SIPCallTimeout, match="did not answer within 1 s"):
        await backend.call(phone.uri, answer_timeout=1)
    await asyncio.wait_for(phone.cancelled.wait(), 10)
    cancel = requests(phone, "CANCEL")[0]
    invite = requests(phone, "INVITE")[0]
    via = next(line for line in invite.split("\r\n") if line.startswith("Via:"))
    assert via in cancel.split("\r\n") and "CSeq: 1 CANCEL" in cancel
    await eventually(lambda: requests(phone, "ACK"))  # the 487 is ACKed
    phone.close()


async def test_cancelling_the_awaiting_task_cancels_the_invite(backend: SIPVoiceBackend) -> None:
    phone = await SIPPhone(user="bob", answer="ring").start()
    dialing = asyncio.ensure_future(backend.call(phone.uri, answer_timeout=30))
    await eventually(lambda: requests(phone, "INVITE"))
    await asyncio.sleep(0.5)  # the phone's 180 Ringing crosses the loopback
    dialing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dialing
    await asyncio.wait_for(phone.cancelled.wait(), 10)
    phone.close()


async def test_nothing_listening_times_out(backend: SIPVoiceBackend) -> None:
    phone = await SIPPhone(user="bob", answer="silent").start()
    with pytest.raises(SIPCallTimeout, match="no response from"):
        await backend.call(phone.uri, answer_timeout=1.2)
    assert len(requests(phone, "INVITE")) >= 2  # retransmitted over UDP
    assert not requests(phone, "CANCEL")  # nothing to cancel before a provisional response
    phone.close()


async def test_the_called_phone_hanging_up_ends_the_session(backend: SIPVoiceBackend) -> None:
    lost: list[VoiceSession] = []
    backend.on_session_lost(lost.append)
    media = await RTPPeer().start()
    phone = await SIPPhone(user="bob", rtp_port=media.port).start()
    call = await backend.call(phone.uri, answer_timeout=10)
    session = await backend.connect("room", "bob", "phone", metadata={"sip_call_id": call.call_id})
    phone.hang_up()
    await eventually(lambda: lost)
    assert lost[0].id == session.id
    assert call.call_id not in backend.calls
    assert any(m.startswith("SIP/2.0 200") and "BYE" in m for m in phone.received)
    phone.close()
    media.close()


async def test_incoming_invites_must_authenticate_when_users_are_configured() -> None:
    backend = await SIPVoiceBackend(port=0, users={"alice": "pw"}, auth_algorithm="SHA-256").start()
    offered: list[str] = []

    async def answer(call) -> None:  # type: ignore[no-untyped-def]
        offered.append(call.call_id)
        await backend.connect(
            "room", call.from_uri, "phone", metadata={"sip_call_id": call.call_id}
        )

    backend.on_incoming_call(answer)
    anonymous = await SIPPhone(rtp_port=40010).start(backend.port)
    anonymous.invite()
    await eventually(lambda: 401 in anonymous.statuses())
    challenge = next(m for m in anonymous.received if m.startswith("SIP/2.0 401"))
    assert 'WWW-Authenticate: Digest realm="roomkit"' in challenge
    assert "algorithm=SHA-256" in challenge and 'qop="auth"' in challenge
    wrong = await SIPPhone(rtp_port=40012, credentials=("alice", "nope")).start(backend.port)
    wrong.invite()
    await eventually(lambda: 403 in wrong.statuses())
    right = await SIPPhone(rtp_port=40014, credentials=("alice", "pw")).start(backend.port)
    right.invite()
    await asyncio.wait_for(right.answered.wait(), 10)
    assert right.statuses() == [401, 100, 180, 200]
    assert offered == [right.call_id]  # neither refused caller reached on_incoming_call
    assert 200 not in anonymous.statuses() and 200 not in wrong.statuses()
    for phone in (anonymous, wrong, right):
        phone.close()
    await backend.close()
