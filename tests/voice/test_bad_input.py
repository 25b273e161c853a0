"""Bad input: a clear error, or a recorded and reported failure; the call and the room go on."""

from __future__ import annotations

import pytest

from roomkit import HookTrigger, InboundMessage, TextContent, WebSocketChannel
from roomkit.voice.audio_frame import AudioFormatError, AudioFrame
from roomkit.voice.pipeline import MockResampler
from roomkit.voice.stt.mock import MockSTTProvider

from .helpers import eventually, frame, settle, start_call, utterance


def test_frames_that_do_not_add_up_are_refused_at_construction() -> None:
    with pytest.raises(AudioFormatError, match="3 bytes is not a whole number of 2-byte"):
        AudioFrame(b"\x00" * 3, 16000)
    with pytest.raises(AudioFormatError, match="unsupported sample rate 12345 Hz"):
        AudioFrame(b"\x00" * 4, 12345)
    with pytest.raises(AudioFormatError, match="sample width 5"):
        AudioFrame(b"\x00" * 10, 16000, sample_width=5)
    with pytest.raises(AudioFormatError, match="must be bytes"):
        AudioFrame("not audio", 16000)  # type: ignore[arg-type]


async def test_frames_the_pipeline_cannot_take_are_rejected_counted_and_reported() -> None:
    call = await start_call(utterance(1), transcripts=["still here"])
    runner = call.voice.runner(call.session)
    assert runner is not None
    for _ in range(3):  # 8-bit samples, then 8 kHz without a resampler
        call.backend.simulate_audio_received(call.session, AudioFrame(b"\x80" * 160, 16000, 1, 1))
    call.backend.simulate_audio_received(call.session, frame(rate=8000))
    await eventually(lambda: len(call.payloads(HookTrigger.ON_ERROR)) == 2)
    assert runner.stats.frames_rejected == 4
    messages = [e.content.body for e in call.payloads(HookTrigger.ON_ERROR)]
    assert "mono 16-bit PCM; got 1 channel(s) of 8-bit samples" in messages[0]
    assert "8000 Hz but the pipeline works at 16000 Hz and has no resampler" in messages[1]
    call.feed(3)  # the session still works
    await eventually(lambda: len(call.ai.calls) == 1)
    assert (await call.texts())[0] == ("voice", "still here")
    await call.kit.close()


async def test_a_resampler_brings_other_rates_to_the_pipeline_rate() -> None:
    call = await start_call(utterance(1), pipeline={"resampler": MockResampler()})
    call.feed(3, rate=8000)
    await eventually(lambda: call.stt.calls)
    assert call.stt.calls[0].sample_rate == 16000
    assert call.stt.calls[0].duration_ms == pytest.approx(60, abs=1)
    await call.kit.close()


async def test_an_stt_failure_is_reported_and_the_next_utterance_works() -> None:
    stt = MockSTTProvider(transcriptions=["second try"], error=RuntimeError("vendor down"))
    call = await start_call([*utterance(1), *utterance(1)], stt=stt)
    call.feed(3)
    await eventually(lambda: call.payloads(HookTrigger.ON_ERROR))
    [error] = call.payloads(HookTrigger.ON_ERROR)
    assert "speech-to-text failed: RuntimeError: vendor down" in error.content.body
    runner = call.voice.runner(call.session)
    assert runner is not None and runner.signals.failures
    stt.error = None
    call.feed(3)
    await eventually(lambda: len(call.ai.calls) == 1)
    assert (await call.texts())[0] == ("voice", "second try")
    await call.kit.close()


async def test_a_tts_failure_is_reported_and_the_room_keeps_the_reply() -> None:
    call = await start_call(utterance(1), replies=["unsayable"])
    call.tts.error = RuntimeError("voice not found")
    call.feed(3)
    await eventually(lambda: call.payloads(HookTrigger.ON_ERROR))
    assert "voice not found" in call.payloads(HookTrigger.ON_ERROR)[0].content.body
    assert [t for _, t in await call.texts()] == ["Hello", "unsayable"]
    await call.kit.close()


async def test_a_backend_that_drops_mid_utterance_ends_the_session_cleanly() -> None:
    call = await start_call(utterance(10))
    ended: list[dict[str, object]] = []

    @call.kit.on("voice_session_ended")
    async def on_end(event: object) -> None:
        ended.append(event.data)  # type: ignore[attr-defined]

    call.feed(4)  # speech started, not finished
    await eventually(lambda: call.payloads(HookTrigger.ON_SPEECH_START))
    call.backend.simulate_session_lost(call.session)
    await eventually(lambda: ended)
    assert ended[0]["reason"] == "lost" and ended[0]["session_id"] == call.session.id
    assert call.voice.sessions() == []
    call.feed(5)  # late frames of the lost session are counted, not processed
    assert call.stt.calls == []
    # the room is still usable: text from another channel, and a new voice session
    ws = WebSocketChannel("ws")
    call.kit.register_channel(ws)
    await call.kit.attach_channel("call", "ws")
    result = await call.kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="anyone?"))
    )
    assert not result.blocked
    again = await call.kit.join("call", "voice", participant_id="caller")
    assert again.id != call.session.id
    await call.kit.close()


async def test_a_full_frame_queue_drops_the_oldest_frames_and_counts_them() -> None:
    from roomkit import VoiceChannel

    call = await start_call([])
    runner = call.voice.runner(call.session)
    assert runner is not None
    limit = call.voice.queue_size
    for _ in range(limit + 25):  # offered faster than the session task can run
        call.backend.simulate_audio_received(call.session, frame())
    assert runner.stats.frames_dropped == 25
    await settle(call)
    assert runner.stats.frames_in == limit
    await call.kit.close()
    with pytest.raises(ValueError, match="queue_size"):
        VoiceChannel("v", queue_size=0)


async def test_bad_calls_name_what_is_wrong() -> None:
    from roomkit import RoomKit, VoiceChannel, WebSocketChannel
    from roomkit.domain.errors import (
        ChannelNotFoundError,
        VoiceBackendNotConfiguredError,
        VoiceNotConfiguredError,
    )

    call = await start_call([])
    with pytest.raises(ValueError, match="'X' is not a DTMF digit"):
        await call.voice.send_dtmf(call.session, "X")
    with pytest.raises(ValueError, match="outside 40-2000 ms"):
        await call.voice.send_dtmf(call.session, "1", duration_ms=5)
    await call.kit.close()

    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(VoiceChannel("no-backend"))
    kit.register_channel(VoiceChannel("unattached", backend=call.backend))
    await kit.create_room(room_id="r")
    for channel_id in ("ws", "no-backend"):
        await kit.attach_channel("r", channel_id)
    with pytest.raises(VoiceNotConfiguredError, match="WebSocketChannel, not a VoiceChannel"):
        await kit.join("r", "ws")
    with pytest.raises(VoiceBackendNotConfiguredError, match="no backend"):
        await kit.join("r", "no-backend")
    with pytest.raises(ChannelNotFoundError):
        await kit.join("r", "unattached")
    with pytest.raises(VoiceNotConfiguredError, match="no STT provider"):
        await kit.transcribe(b"\x00\x00")
    with pytest.raises(VoiceNotConfiguredError, match="no TTS provider"):
        await kit.synthesize("hi")
