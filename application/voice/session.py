"""SessionRunner: one voice session's tasks.

- the frame task reads the bounded frame queue (full: the oldest frame is dropped and counted)
  and runs the inbound stages; it never awaits anything slow, it only posts what it saw;
- the control task fires the hooks for what the frame task saw and handles barge-in;
- the conversation task runs STT, turn taking and the room's inbound pipeline per utterance
  (with a streaming STT provider, each utterance is streamed while spoken: see streaming.py);
- the playback task speaks the agent's replies.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from roomkit.application.runtime import Runtime
from roomkit.application.voice.current import current_voice_session
from roomkit.application.voice.interruption import InterruptionHandler
from roomkit.application.voice.levels import LEVEL_INTERVAL_MS, level_dbfs
from roomkit.application.voice.pipeline.engine import AudioPipeline
from roomkit.application.voice.playback import Playback
from roomkit.application.voice.signals import VoiceSignals
from roomkit.application.voice.streaming import StreamedUtterance
from roomkit.application.voice.turns import TurnTaking
from roomkit.domain.enums import HookTrigger
from roomkit.domain.event import RoomEvent
from roomkit.domain.voice import (
    AudioFormatError,
    AudioFrame,
    DTMFEvent,
    InterruptionConfig,
    TranscriptionResult,
    VADEventType,
    VoiceSession,
)
from roomkit.ports.voice import (
    AudioPipelineConfig,
    BackchannelContext,
    STTProvider,
    TTSProvider,
    VoiceBackend,
)

Submit = Callable[[VoiceSession, str, TranscriptionResult], Awaitable[Any]]

YIELD_EVERY = 8  # frames processed back to back before letting other tasks run
PREROLL_FRAMES = 15  # frames before speech start also streamed to STT (300 ms of 20 ms frames)


@dataclass(slots=True)
class SessionStats:
    frames_in: int = 0
    frames_dropped: int = 0
    frames_rejected: int = 0
    utterances: int = 0
    transcripts: int = 0
    barge_ins: int = 0
    #: seconds from each speech_end to the first frame of the reply reaching the backend
    response_latencies: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Utterance:
    audio: bytes
    sample_rate: int
    speech_ms: float
    over_agent: bool
    #: a keypad tone was heard during it: a key press, not words (not transcribed)
    keypress: bool = False
    #: its audio as streamed to the STT provider while spoken (None: transcribe at the end)
    stream: StreamedUtterance | None = None


class SessionRunner:
    def __init__(
        self,
        runtime: Runtime,
        session: VoiceSession,
        *,
        backend: VoiceBackend,
        stt: STTProvider | None,
        tts: TTSProvider | None,
        config: AudioPipelineConfig,
        pipeline: AudioPipeline,
        interruption: InterruptionConfig,
        submit: Submit,
        queue_size: int = 50,
        voice: str | None = None,
        tap: Callable[[AudioFrame], None] | None = None,
    ) -> None:
        self.session = session
        #: sees every processed inbound frame (an audio bridge); must not block
        self._tap = tap
        self.signals = VoiceSignals(runtime, session)
        self.stats = SessionStats()
        self.pipeline = pipeline
        self._stt = stt
        self._streaming = stt is not None and stt.supports_streaming
        self._stream: StreamedUtterance | None = None
        self._recent: deque[AudioFrame] = deque(maxlen=PREROLL_FRAMES)
        self._streams: set[asyncio.Task[TranscriptionResult]] = set()
        self._config = config
        self._submit = submit
        self._frames: deque[AudioFrame] = deque()
        self._queue_size = queue_size
        self._wake = asyncio.Event()
        self._control: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._utterances: asyncio.Queue[Utterance] = asyncio.Queue()
        self.interruption = InterruptionHandler(
            interruption, has_backchannel_detector=config.backchannel_detector is not None
        )
        self.turns = TurnTaking(config.turn_detector, self.signals)
        self.playback = Playback(
            runtime,
            self.signals,
            tts,
            backend,
            pipeline,
            voice=voice,
            on_first_frame=self._first_reply_frame,
        )
        self._tasks: list[asyncio.Task[None]] = []
        # frame-task state
        self._speaking = False
        self._speech = bytearray()
        self._speech_ms = 0.0
        self._barged = False
        self._keypress = False
        self._speaker: str | None = None
        self._level_ms = 0.0
        self._speech_end_at: float | None = None
        self._rejections: set[str] = set()

    # lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        name = self.session.id
        self._tasks = [
            self._spawn(self._frame_loop(), f"voice-frames-{name}"),
            self._spawn(self._control_loop(), f"voice-control-{name}"),
            self._spawn(self._conversation_loop(), f"voice-stt-{name}"),
            self._spawn(self.playback.run(), f"voice-playback-{name}"),
        ]

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """A task of this session: ``get_current_voice_session()`` answers the session in it."""
        context = contextvars.copy_context()
        context.run(current_voice_session.set, self.session)
        return asyncio.create_task(work, name=name, context=context)

    def _spawn_stream(
        self, work: Coroutine[Any, Any, TranscriptionResult]
    ) -> asyncio.Task[TranscriptionResult]:
        context = contextvars.copy_context()
        context.run(current_voice_session.set, self.session)
        task = asyncio.create_task(
            work, name=f"voice-stt-stream-{self.session.id}", context=context
        )
        self._streams.add(task)
        task.add_done_callback(self._streams.discard)
        return task

    async def stop(self) -> None:
        tasks = [*self._tasks, *self._streams]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        self._tasks = []

    @property
    def running(self) -> bool:
        return any(not t.done() for t in self._tasks)

    # the hot path ------------------------------------------------------------------------
    def offer(self, frame: AudioFrame) -> None:
        """Called by the backend for each caller frame; never blocks."""
        frames = self._frames
        if len(frames) >= self._queue_size:
            frames.popleft()
            self.stats.frames_dropped += 1
        frames.append(frame)
        self._wake.set()

    def signal_dtmf(self, event: DTMFEvent) -> None:
        """A digit the backend received out of band: reported like a detected one."""
        self._control.put_nowait(("dtmf", event))

    async def _frame_loop(self) -> None:
        frames = self._frames
        processed = 0
        while True:
            if not frames:
                self._wake.clear()
                await self._wake.wait()
                continue
            self._handle_frame(frames.popleft())
            processed += 1
            if processed % YIELD_EVERY == 0:
                await asyncio.sleep(0)

    def _handle_frame(self, frame: AudioFrame) -> None:
        self.stats.frames_in += 1
        try:
            out, report = self.pipeline.process_inbound(frame)
        except AudioFormatError as exc:
            self.stats.frames_rejected += 1
            self._reject(str(exc), exc)
            return
        except Exception as exc:
            self.stats.frames_rejected += 1
            self._reject(f"a pipeline stage failed: {type(exc).__name__}: {exc}", exc)
            return
        if self._tap is not None:
            self._tap(out)
        if self._speaking:
            self._speech += out.data
            self._speech_ms += out.duration_ms
            if self._stream is not None:
                self._stream.feed(out)
            if not self._barged and self.interruption.on_sustained_speech(
                self._speech_ms, self.playback.playing
            ):
                self._barged = True
                self._control.put_nowait(("barge_in", "confirmed"))
        vad = report.vad
        if vad is not None:
            if vad.type is VADEventType.SPEECH_START and not self._speaking:
                self._speaking = True
                self._barged = False
                self._keypress = report.dtmf is not None
                self._speech = bytearray(out.data)
                self._speech_ms = out.duration_ms
                if self._streaming:
                    assert self._stt is not None
                    self._stream = StreamedUtterance(self._stt, out.sample_rate, self._spawn_stream)
                    for earlier in self._recent:  # the pre-roll the VAD heard the start in
                        self._stream.feed(earlier)
                    self._recent.clear()
                    self._stream.feed(out)
                self._control.put_nowait(("speech_start", vad))
            elif vad.type is VADEventType.SPEECH_END:
                audio = vad.audio_bytes if vad.audio_bytes is not None else bytes(self._speech)
                speech_ms = self._speech_ms
                self._speaking = False
                self._speech = bytearray()
                self._speech_end_at = time.perf_counter()
                stream, self._stream = self._stream, None
                if stream is not None:
                    stream.end()
                self._control.put_nowait(
                    (
                        "speech_end",
                        Utterance(
                            audio,
                            out.sample_rate,
                            speech_ms,
                            self.playback.playing,
                            self._keypress,
                            stream,
                        ),
                    )
                )
            elif vad.type is VADEventType.SILENCE:
                self._control.put_nowait(("silence", vad))
            elif vad.type is VADEventType.AUDIO_LEVEL:
                self._control.put_nowait(("vad_level", vad))
        if report.dtmf is not None:
            self._keypress = self._keypress or self._speaking
            self._control.put_nowait(("dtmf", report.dtmf))
        speaker = report.speaker
        if speaker is not None and speaker.speaker_id != self._speaker:
            self._speaker = speaker.speaker_id
            self._control.put_nowait(("speaker", speaker))
        if self._streaming and not self._speaking:
            self._recent.append(out)
        self._level_ms += out.duration_ms
        if self._level_ms >= LEVEL_INTERVAL_MS:
            self._level_ms = 0.0
            if self.signals.wanted(HookTrigger.ON_INPUT_AUDIO_LEVEL):
                self._control.put_nowait(("level", level_dbfs(out.data)))

    def _reject(self, why: str, exc: Exception) -> None:
        if why in self._rejections:  # reported once per kind; counted every time
            return
        self._rejections.add(why)
        self._control.put_nowait(("failure", (f"frame rejected: {why}", exc)))

    def _first_reply_frame(self) -> None:
        if self._speech_end_at is not None:
            self.stats.response_latencies.append(time.perf_counter() - self._speech_end_at)
            self._speech_end_at = None

    # hooks and barge-in ------------------------------------------------------------------
    async def _control_loop(self) -> None:
        signals = self.signals
        while True:
            kind, item = await self._control.get()
            try:
                await self._on_control(kind, item, signals)
            except Exception as exc:
                await signals.failed(f"handling {kind} failed", exc)

    async def _on_control(self, kind: str, item: Any, signals: VoiceSignals) -> None:
        if kind == "speech_start":
            await signals.fire(HookTrigger.ON_SPEECH_START, {"confidence": item.confidence})
            if self.interruption.on_speech_start(self.playback.playing):
                await self._barge_in("immediate")
        elif kind == "speech_end":
            utterance: Utterance = item
            self.stats.utterances += 1
            await signals.fire(
                HookTrigger.ON_SPEECH_END,
                {
                    "duration_ms": utterance.speech_ms,
                    "audio_bytes": len(utterance.audio),
                    "keypress": utterance.keypress,
                },
            )
            self._utterances.put_nowait(utterance)
        elif kind == "barge_in":
            await self._barge_in(item)
        elif kind == "dtmf":
            await signals.fire(
                HookTrigger.ON_DTMF,
                {"digit": item.digit, "duration_ms": item.duration_ms},
            )
        elif kind == "speaker":
            await signals.fire(
                HookTrigger.ON_SPEAKER_CHANGE,
                {"speaker_id": item.speaker_id, "confidence": item.confidence},
            )
        elif kind == "silence":
            await signals.fire(HookTrigger.ON_VAD_SILENCE, {"duration_ms": item.duration_ms})
        elif kind == "vad_level":
            await signals.fire(HookTrigger.ON_VAD_AUDIO_LEVEL, {"level_db": item.level_db})
        elif kind == "level":
            await signals.fire(HookTrigger.ON_INPUT_AUDIO_LEVEL, {"level_db": item})
        elif kind == "failure":
            message, exc = item
            await signals.failed(message, exc)

    async def _barge_in(self, reason: str) -> None:
        if await self.playback.cancel(reason):
            self.stats.barge_ins += 1

    # STT, turn taking and the room -------------------------------------------------------
    async def _conversation_loop(self) -> None:
        while True:
            utterance = await self._utterances.get()
            try:
                await self._converse(utterance)
            except Exception as exc:
                await self.signals.failed("handling an utterance failed", exc)

    async def _converse(self, utterance: Utterance) -> None:
        signals = self.signals
        stream = utterance.stream
        if self._stt is None or not utterance.audio or utterance.keypress:
            if stream is not None:
                stream.abandon()
            return
        result: TranscriptionResult | None = None
        if stream is not None:
            try:
                result = await stream.result()
            except Exception as exc:  # the stream failed: the whole utterance, one shot
                await signals.failed("streaming speech-to-text failed; transcribing at once", exc)
        if result is None:
            try:
                audio = AudioFrame(utterance.audio, utterance.sample_rate)
                result = await self._stt.transcribe(audio)
            except Exception as exc:
                await signals.failed("speech-to-text failed", exc)
                return
        text = result.text.strip()
        if not text:
            return
        self.stats.transcripts += 1
        await signals.fire(
            HookTrigger.ON_TRANSCRIPTION,
            {
                "text": text,
                "confidence": result.confidence,
                "is_final": result.is_final,
                "language": result.language,
            },
            text,
        )
        if utterance.over_agent and self.interruption.judges_by_meaning(self.playback.playing):
            detector = self._config.backchannel_detector
            assert detector is not None  # checked by InterruptionHandler
            decision = await detector.classify(
                BackchannelContext(
                    text=text, speech_ms=utterance.speech_ms, session_id=self.session.id
                )
            )
            if decision.is_backchannel:
                await signals.fire(
                    HookTrigger.ON_BACKCHANNEL, {"text": text, "confidence": decision.confidence}
                )
                return
            await self._barge_in("semantic")
        turn = await self.turns.add(text)
        if turn is None:
            return
        await self._submit(self.session, turn, result)

    # replies -----------------------------------------------------------------------------
    def say(self, event: RoomEvent) -> None:
        self.playback.say(event)
