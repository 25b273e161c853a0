"""An end-to-end call: caller audio -> STT -> the room (hooks, store, AI) -> TTS -> backend."""

from __future__ import annotations

import pytest

from roomkit import HookResult, HookTrigger, RoomEvent, TextContent
from roomkit.domain.voice import TurnDecision
from roomkit.voice.pipeline import MockTurnDetector

from .helpers import eventually, start_call, utterance


async def test_what_the_caller_says_enters_the_room_and_the_reply_is_spoken() -> None:
    call = await start_call(utterance(3), transcripts=["What are your hours?"], replies=["9 to 5"])
    call.feed(5)
    await eventually(lambda: call.tts.calls and len(call.sent()) >= 6)
    assert await call.texts() == [("voice", "What are your hours?"), ("ai", "9 to 5")]
    timeline = await call.kit.get_timeline("call")
    transcript = next(e for e in timeline if e.source.channel_id == "voice")
    assert transcript.source.external_id == "caller"
    assert transcript.metadata["voice"]["session_id"] == call.session.id
    assert call.ai.calls[0].messages[-1].content == "What are your hours?"
    assert call.tts.calls == [("9 to 5", None)]
    # the whole utterance (start .. end frames) went to STT as one frame at the pipeline rate
    assert call.stt.calls[0].duration_ms == 5 * 20
    await eventually(lambda: HookTrigger.AFTER_TTS.value in call.triggers())
    order = [
        t
        for t in call.triggers()
        if t in {"on_speech_start", "on_speech_end", "on_transcription", "after_tts"}
    ]
    assert order == ["on_speech_start", "on_speech_end", "on_transcription", "after_tts"]
    [transcription] = call.payloads(HookTrigger.ON_TRANSCRIPTION)
    assert transcription.content.body == "What are your hours?"
    assert transcription.session_id == call.session.id
    [after] = call.payloads(HookTrigger.AFTER_TTS)
    assert after.content.body == "9 to 5" and after.data["frames"] == len(call.sent())
    await call.kit.close()


async def test_before_tts_can_change_or_block_what_is_spoken() -> None:
    call = await start_call(
        [*utterance(1), *utterance(1)], transcripts=["one", "two"], replies=["secret", "public"]
    )

    @call.kit.hook(HookTrigger.BEFORE_TTS)
    async def redact(event: RoomEvent, ctx: object) -> HookResult:
        if event.content.body == "secret":
            return HookResult.block("not to be said aloud")
        return HookResult.modify(event.model_copy(update={"content": TextContent(body="PUBLIC")}))

    call.feed(3)
    await eventually(lambda: len(call.ai.calls) == 1)
    call.feed(3)
    await eventually(lambda: call.tts.calls)
    assert call.tts.calls == [("PUBLIC", None)]
    # blocking speech does not block the room: both replies are stored
    assert [t for _, t in await call.texts()] == ["one", "secret", "two", "public"]
    await call.kit.close()


async def test_turn_detection_gathers_fragments_until_the_turn_is_complete() -> None:
    detector = MockTurnDetector(decisions=[TurnDecision(is_complete=False)])
    call = await start_call(
        [*utterance(1), *utterance(1)],
        transcripts=["I want to", "book a table"],
        pipeline={"turn_detector": detector},
    )
    call.feed(3)
    await eventually(lambda: HookTrigger.ON_TURN_INCOMPLETE.value in call.triggers())
    assert await call.texts() == []
    call.feed(3)
    await eventually(lambda: len(call.ai.calls) == 1)
    assert (await call.texts())[0] == ("voice", "I want to book a table")
    assert [c.text for c in detector.contexts] == ["I want to", "I want to book a table"]
    [complete] = call.payloads(HookTrigger.ON_TURN_COMPLETE)
    assert complete.data["text"] == "I want to book a table"
    await call.kit.close()


async def test_session_events_and_leave() -> None:
    call = await start_call(utterance(1))
    started: list[dict[str, object]] = []
    ended: list[dict[str, object]] = []

    @call.kit.on("voice_session_started")
    async def on_start(event: object) -> None:
        started.append(event.data)  # type: ignore[attr-defined]

    @call.kit.on("voice_session_ended")
    async def on_end(event: object) -> None:
        ended.append(event.data)  # type: ignore[attr-defined]

    second = await call.kit.join("call", "voice", participant_id="second")
    assert started[0]["session_id"] == second.id and started[0]["room_id"] == "call"
    assert {s.id for s in call.voice.sessions("call")} == {call.session.id, second.id}
    await call.kit.leave(second)
    assert ended[0]["session_id"] == second.id and ended[0]["reason"] == "left"
    assert second.id not in call.backend.sessions
    await call.kit.leave(second)  # leaving twice is harmless
    assert len(ended) == 1
    await call.kit.close()  # closing the kit ends the sessions still open
    assert [e["reason"] for e in ended] == ["left", "closed"]
    assert ended[1]["session_id"] == call.session.id


async def test_greeting_is_spoken_to_the_session() -> None:
    call = await start_call([])
    await call.kit.send_greeting("call", "voice", greeting="Welcome!", session=call.session)
    await eventually(lambda: call.tts.calls == [("Welcome!", None)] and call.sent())
    await call.kit.close()


async def test_send_dtmf_and_detected_tones_fire_on_dtmf() -> None:
    from roomkit.domain.voice import DTMFEvent
    from roomkit.voice.pipeline import MockDTMFDetector

    dtmf = MockDTMFDetector(events=[None, DTMFEvent(digit="5", duration_ms=80)])
    call = await start_call([], pipeline={"dtmf": dtmf})
    call.feed(2)
    await eventually(lambda: call.payloads(HookTrigger.ON_DTMF))
    assert call.payloads(HookTrigger.ON_DTMF)[0].data["digit"] == "5"
    await call.kit.send_dtmf(call.session, "#", 100)
    await call.voice.send_dtmf(call.session, digit="1", duration_ms=160)
    assert [(d, ms) for _, d, ms in call.backend.sent_dtmf] == [("#", 100), ("1", 160)]
    await call.kit.close()


async def test_hooks_and_the_ai_turn_know_the_current_voice_session() -> None:
    from roomkit import get_current_voice_session

    call = await start_call(utterance(1))
    seen: list[object] = []

    @call.kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def which_call(event: RoomEvent, ctx: object) -> HookResult:
        seen.append(get_current_voice_session())
        return HookResult.allow()

    assert get_current_voice_session() is None  # joining does not leak into the caller
    call.feed(3)
    await eventually(lambda: len(call.ai.calls) == 1 and len(seen) == 2)
    assert seen == [call.session, call.session]  # the transcript, and the AI reply it caused
    await call.kit.close()


async def test_an_utterance_that_was_a_key_press_is_not_transcribed() -> None:
    from roomkit.domain.voice import DTMFEvent
    from roomkit.voice.pipeline import MockDTMFDetector

    dtmf = MockDTMFDetector(events=[None, DTMFEvent(digit="3")])
    call = await start_call([*utterance(2), *utterance(1)], pipeline={"dtmf": dtmf})
    call.feed(4)  # the tone is loud enough for the VAD: an "utterance" with a DTMF digit in it
    await eventually(lambda: call.payloads(HookTrigger.ON_SPEECH_END))
    assert call.payloads(HookTrigger.ON_SPEECH_END)[0].data["keypress"] is True
    call.feed(3)  # then real words
    await eventually(lambda: len(call.ai.calls) == 1)
    assert len(call.stt.calls) == 1 and call.payloads(HookTrigger.ON_DTMF)[0].data["digit"] == "3"
    await call.kit.close()


async def test_a_voice_agent_greets_the_caller_and_answers_by_voice() -> None:
    from roomkit import Agent, ChannelCategory, RoomKit
    from roomkit.providers.ai.mock import MockAIProvider
    from roomkit.voice.backends.mock import MockVoiceBackend
    from roomkit.voice.pipeline import AudioPipelineConfig, MockVADProvider
    from roomkit.voice.stt.mock import MockSTTProvider
    from roomkit.voice.tts.mock import MockTTSProvider

    from .helpers import frame

    backend, tts = MockVoiceBackend(), MockTTSProvider()
    agent = Agent(
        "concierge",
        provider=MockAIProvider(responses=["Room 12 is ready."]),
        greeting="Welcome to the hotel!",
        stt=MockSTTProvider(transcriptions=["Is my room ready?"]),
        tts=tts,
        backend=backend,
        pipeline=AudioPipelineConfig(vad=MockVADProvider(events=utterance(1))),
    )
    kit = RoomKit()
    voice = agent.voice_channel()
    kit.register_channel(agent)
    kit.register_channel(voice)
    await kit.create_room(room_id="lobby")
    await kit.attach_channel("lobby", "concierge", category=ChannelCategory.INTELLIGENCE)
    await kit.attach_channel("lobby", voice.channel_id)
    session = await kit.join("lobby", "concierge-voice", participant_id="guest")
    await kit.send_greeting("lobby", "concierge", session=session)
    await eventually(lambda: tts.calls == [("Welcome to the hotel!", None)])
    for _ in range(3):
        backend.simulate_audio_received(session, frame())
    await eventually(lambda: len(tts.calls) == 2)
    assert tts.calls[1] == ("Room 12 is ready.", None)
    await kit.close()
    no_voice = Agent("plain", provider=MockAIProvider())
    with pytest.raises(ValueError, match="no voice backend"):
        no_voice.voice_channel()
