"""Digits a backend signals out of band (RFC 4733, a vendor's DTMF message) fire ON_DTMF."""

from __future__ import annotations

import asyncio

from roomkit import HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.voice.backends.mock import MockVoiceBackend


async def test_a_backend_digit_fires_on_dtmf_for_its_session() -> None:
    kit = RoomKit()
    backend = MockVoiceBackend()
    kit.register_channel(VoiceChannel("voice", backend=backend))
    await kit.create_room(room_id="ivr")
    await kit.attach_channel("ivr", "voice")
    fired: list[tuple[str, float, str | None]] = []
    done = asyncio.Event()

    @kit.hook(HookTrigger.ON_DTMF, execution=HookExecution.ASYNC)
    async def on_dtmf(event, ctx):  # type: ignore[no-untyped-def]
        fired.append((event.data["digit"], event.data["duration_ms"], event.session_id))
        if len(fired) == 2:
            done.set()

    session = await kit.join("ivr", "voice", participant_id="caller")
    backend.simulate_dtmf_received(session, "7", duration_ms=120)
    backend.simulate_dtmf_received(session, "#")
    await asyncio.wait_for(done.wait(), 10)
    assert fired == [("7", 120, session.id), ("#", 100, session.id)]
    other = await backend.connect("ivr", "stranger", "voice")  # not a session of the channel
    backend.simulate_dtmf_received(other, "1")
    await asyncio.sleep(0.05)
    assert len(fired) == 2
    await kit.leave(session)
    await kit.close()
