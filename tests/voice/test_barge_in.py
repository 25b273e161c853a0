"""Barge-in under each interruption strategy, while the agent's reply is playing."""

from __future__ import annotations

from roomkit import HookTrigger
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.interruption import InterruptionConfig, InterruptionStrategy
from roomkit.voice.pipeline import MockAECProvider, MockBackchannelDetector
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.mock import MockTTSProvider

from .helpers import Call, eventually, settle, start_call, utterance

LONG_REPLY = " ".join(["word"] * 400)  # 800 frames of 5 ms: seconds of playback


async def playing_call(
    strategy: InterruptionStrategy,
    second_utterance_frames: int,
    transcripts: list[str] | None = None,
    **kwargs: object,
) -> Call:
    """A call whose agent is in the middle of a long reply."""
    call = await start_call(
        [*utterance(1), *utterance(second_utterance_frames)],
        transcripts=transcripts or ["tell me a story", "stop"],
        replies=[LONG_REPLY, "ok"],
        interruption=InterruptionConfig(strategy=strategy, min_speech_ms=300),
        tts=MockTTSProvider(frames_per_word=2),
        backend=MockVoiceBackend(playback_delay=0.005),
        **kwargs,  # type: ignore[arg-type]
    )
    call.feed(3)
    await eventually(lambda: len(call.sent()) >= 3)
    return call


def barged(call: Call) -> bool:
    return bool(call.payloads(HookTrigger.ON_BARGE_IN))


async def test_immediate_cuts_playback_at_speech_start() -> None:
    aec = MockAECProvider()
    call = await playing_call(InterruptionStrategy.IMMEDIATE, 2, pipeline={"aec": aec})
    call.feed(1)  # speech starts
    await eventually(lambda: barged(call) and call.payloads(HookTrigger.ON_TTS_CANCELLED))
    [event] = call.payloads(HookTrigger.ON_BARGE_IN)
    assert event.data["reason"] == "immediate" and event.content.body == LONG_REPLY
    assert any(c.method == "cancel_audio" for c in call.backend.calls)
    assert aec.discarded == 1  # the echo canceller forgets the reference never played
    cut_at = len(call.sent())
    await settle(call)
    assert len(call.sent()) == cut_at < 800  # nothing more of the old reply is played
    assert not call.payloads(HookTrigger.AFTER_TTS)
    await call.kit.close()


async def test_confirmed_ignores_short_speech_and_cuts_sustained_speech() -> None:
    call = await playing_call(InterruptionStrategy.CONFIRMED, 5)  # 7 frames = 140 ms
    call.feed(7)
    await eventually(lambda: len(call.stt.calls) == 2)
    await settle(call)
    assert not barged(call)
    await call.kit.close()

    call = await playing_call(InterruptionStrategy.CONFIRMED, 30)  # 640 ms of speech
    call.feed(10)
    await settle(call)
    assert not barged(call)  # 200 ms so far: not yet
    call.feed(10)
    await eventually(lambda: barged(call))
    assert call.payloads(HookTrigger.ON_BARGE_IN)[0].data["reason"] == "confirmed"
    await call.kit.close()


async def test_semantic_lets_backchannel_pass_and_cuts_real_speech() -> None:
    backchannel = MockBackchannelDetector()
    call = await playing_call(
        InterruptionStrategy.SEMANTIC,
        2,
        stt=MockSTTProvider(transcriptions=["tell me a story", "uh-huh", "wait, stop"]),
        pipeline={"backchannel_detector": backchannel},
    )
    call.vad.events.extend(utterance(2))
    call.feed(4)  # "uh-huh"
    await eventually(lambda: call.payloads(HookTrigger.ON_BACKCHANNEL))
    assert not barged(call)
    assert [t for _, t in await call.texts()] == ["tell me a story", LONG_REPLY]
    call.feed(4)  # "wait, stop"
    await eventually(lambda: barged(call))
    assert call.payloads(HookTrigger.ON_BARGE_IN)[0].data["reason"] == "semantic"
    await eventually(lambda: len(call.ai.calls) == 2)
    assert (await call.texts())[-2] == ("voice", "wait, stop")
    assert [c.text for c in backchannel.contexts] == ["uh-huh", "wait, stop"]
    await call.kit.close()


async def test_disabled_never_interrupts() -> None:
    call = await start_call(
        [*utterance(1), *utterance(30)],
        transcripts=["hi", "stop stop stop"],
        replies=["short reply here", "ok"],
        interruption=InterruptionConfig(strategy=InterruptionStrategy.DISABLED),
        tts=MockTTSProvider(frames_per_word=10),
        backend=MockVoiceBackend(playback_delay=0.005),
    )
    call.feed(3)
    await eventually(lambda: len(call.sent()) >= 2)
    call.feed(32)
    await eventually(lambda: len(call.payloads(HookTrigger.AFTER_TTS)) == 2)
    assert not barged(call)
    assert [p.content.body for p in call.payloads(HookTrigger.AFTER_TTS)] == [
        "short reply here",
        "ok",
    ]
    await call.kit.close()


async def test_semantic_without_a_backchannel_detector_is_refused() -> None:
    import pytest

    from roomkit import VoiceChannel

    with pytest.raises(ValueError, match="BackchannelDetector"):
        VoiceChannel(
            "v",
            backend=MockVoiceBackend(),
            interruption=InterruptionConfig(strategy=InterruptionStrategy.SEMANTIC),
        )
