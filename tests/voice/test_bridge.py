"""Audio bridging: people in one voice room hear each other mixed (never themselves), each at
their own line rate, optionally transcribed into the room."""

from __future__ import annotations

from array import array

import pytest

from roomkit import RoomKit, VoiceChannel
from roomkit.application.voice.bridge import mix
from roomkit.domain.errors import VoiceNotConfiguredError
from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.pipeline import AudioPipelineConfig, MockVADProvider

from .helpers import eventually


def tone(value: int, samples: int = 320, rate: int = 16000) -> AudioFrame:
    return AudioFrame(array("h", [value] * samples).tobytes(), sample_rate=rate)


def heard(backend: MockVoiceBackend, session: VoiceSession) -> list[set[int]]:
    """The distinct sample values of each frame sent to ``session``."""
    return [set(array("h", f.data)) for s, f in backend.sent_audio if s.id == session.id]


async def bridged_kit(
    backend: MockVoiceBackend, **pipeline: object
) -> tuple[RoomKit, VoiceChannel]:
    kit = RoomKit()
    voice = VoiceChannel(
        "voice",
        backend=backend,
        bridge=True,
        pipeline=AudioPipelineConfig(vad=MockVADProvider(events=[]), **pipeline),  # type: ignore[arg-type]
    )
    kit.register_channel(voice)
    await kit.create_room(room_id="call")
    await kit.attach_channel("call", "voice")
    return kit, voice


def test_mix_saturates_instead_of_wrapping() -> None:
    loud = array("h", [30000, -30000, 5]).tobytes()
    out = array("h", mix([loud, loud], 3))
    assert list(out) == [32767, -32768, 10]
    assert mix([], 2) == bytes(4)


async def test_three_people_hear_the_other_two_mixed_and_never_themselves() -> None:
    backend = MockVoiceBackend()
    kit, _voice = await bridged_kit(backend)
    alice = await kit.join("call", "voice", participant_id="alice")
    bob = await kit.join("call", "voice", participant_id="bob")
    carol = await kit.join("call", "voice", participant_id="carol")
    for _ in range(5):
        backend.simulate_audio_received(alice, tone(1000))
        backend.simulate_audio_received(carol, tone(500))
    await eventually(lambda: {1500} in heard(backend, bob))
    await eventually(lambda: {500} in heard(backend, alice) and {1000} in heard(backend, carol))
    assert all(values & {1000, 1500} == set() for values in heard(backend, alice))
    assert all(values & {500, 1500} == set() for values in heard(backend, carol))
    await kit.leave(alice)
    await kit.leave(bob)
    await kit.leave(carol)
    assert kit._voice.bridge("call", "voice") is None  # type: ignore[attr-defined]
    await kit.close()


class EightKilohertzLines(MockVoiceBackend):
    """Sessions whose participant id starts with "pstn" are 8 kHz phone lines."""

    async def connect(self, room_id, participant_id, channel_id, *, metadata=None):  # type: ignore[no-untyped-def]
        session = await super().connect(room_id, participant_id, channel_id, metadata=metadata)
        if participant_id.startswith("pstn"):
            session = session.model_copy(update={"sample_rate": 8000})
            self.sessions[session.id] = session
        return session


async def test_a_line_at_another_rate_needs_a_resampler() -> None:
    backend = EightKilohertzLines()
    kit, _voice = await bridged_kit(backend)
    await kit.join("call", "voice", participant_id="browser")
    with pytest.raises(VoiceNotConfiguredError, match="resampler"):
        await kit.join("call", "voice", participant_id="pstn-caller")
    assert [c.method for c in backend.calls][-1] == "disconnect"  # the line was not left open
    await kit.close()
