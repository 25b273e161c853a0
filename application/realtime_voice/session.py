"""RealtimeSessionRunner: one speech-to-speech call between a caller's transport and a model.

- the **input task** relays caller audio to the provider from a bounded queue (full: the
  oldest chunk is dropped and counted); while the provider reconnects, audio is dropped;
- the **event task** handles what the provider reports, in order: audio to the caller,
  barge-in, hooks, transcripts to the room task, tool calls to their own tasks, resumption;
- the **room task** stores transcripts through the inbound pipeline, one after another, so a
  slow hook never holds up audio.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from roomkit.application.ai.tools import Toolbox
from roomkit.application.realtime_voice.resample import resample_pcm16
from roomkit.application.runtime import Runtime
from roomkit.application.voice.signals import VoiceSignals
from roomkit.domain.ai import AIToolCall, AIToolResult, ToolCallEvent
from roomkit.domain.content import TextContent
from roomkit.domain.enums import ChannelDirection, EventStatus, EventType, HookTrigger
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.domain.realtime_voice import (
    RealtimeEvent,
    RealtimeEventType,
    RealtimeHistoryItem,
    Role,
)
from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit.ports.realtime_voice import RealtimeAudioTransport, RealtimeVoiceProvider
from roomkit.ports.voice import Resampler, VoiceBackend

if TYPE_CHECKING:
    from roomkit.application.realtime_voice.channel import RealtimeVoiceChannel

log = logging.getLogger("roomkit.realtime_voice")

Process = Callable[[InboundMessage, str | None], Awaitable[InboundResult]]
ProcessEvent = Callable[[RoomEvent], Awaitable[InboundResult]]
OnLost = Callable[[VoiceSession, str], None]

MUTE_CHECK_SECONDS = 0.25
RESUME_BASE_DELAY = 0.2
DRAIN_SECONDS = 5.0


@dataclass(slots=True)
class RealtimeStats:
    frames_in: int = 0
    frames_dropped: int = 0
    frames_out: int = 0
    frames_suppressed: int = 0  # model audio not played: muted, or cut by a barge-in
    transcripts_stored: int = 0
    barge_ins: int = 0
    tool_calls: int = 0
    resumptions: int = 0
    provider_errors: int = 0


class RealtimeSessionRunner:
    def __init__(
        self,
        runtime: Runtime,
        channel: RealtimeVoiceChannel,
        session: VoiceSession,
        *,
        transport: VoiceBackend,
        process: Process,
        process_event: ProcessEvent,
        on_lost: OnLost,
    ) -> None:
        self._rt = runtime
        self.channel = channel
        self.session = session
        self.provider: RealtimeVoiceProvider = channel.provider
        self.transport = transport
        self.signals = VoiceSignals(runtime, session)
        self.stats = RealtimeStats()
        self._process = process
        self._process_event = process_event
        self._on_lost = on_lost
        self._toolbox = Toolbox(channel.tools, channel.tool_handler)
        resampler = channel.resampler
        # one stream per direction: a streaming resampler keeps state between frames
        self._to_model: Resampler | None = resampler.new_stream() if resampler else None
        self._to_caller: Resampler | None = resampler.new_stream() if resampler else None
        self._frames: deque[tuple[bytes, int]] = deque()  # caller PCM and its rate
        self._wake = asyncio.Event()
        self._events: deque[RealtimeEvent] = deque()
        self._has_events = asyncio.Event()
        self._room: asyncio.Queue[tuple[Role, str, dict[str, Any]]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._tool_tasks: set[asyncio.Task[None]] = set()
        self._connected = False
        self._stopping = False
        self.playing = False
        self._cut_response = False
        self._muted = False
        self._muted_checked = 0.0
        self.transcripts_pending = 0
        self._room_idle = asyncio.Event()
        self._room_idle.set()

    # lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect the model; raises what the provider raised if it cannot."""
        await self.provider.connect(self.session, self.channel.session_config(), self._emit)
        self._connected = True
        sid = self.session.id
        self._tasks = [
            asyncio.create_task(self._input_loop(), name=f"realtime-input-{sid}"),
            asyncio.create_task(self._event_loop(), name=f"realtime-events-{sid}"),
            asyncio.create_task(self._room_loop(), name=f"realtime-room-{sid}"),
        ]

    async def stop(self) -> None:
        self._stopping = True
        await self._drain_room()
        tasks = [*self._tasks, *self._tool_tasks]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        self._tasks = []
        self._connected = False
        try:
            await self.provider.disconnect(self.session)
        except Exception as exc:
            await self.signals.failed("closing the model connection failed", exc)

    async def _drain_room(self) -> None:
        """Let transcripts already received reach the room before the session ends."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DRAIN_SECONDS):
                await self._room_idle.wait()

    def _queue_for_room(self, role: Role, text: str, extra: dict[str, Any]) -> None:
        self.transcripts_pending += 1
        self._room_idle.clear()
        self._room.put_nowait((role, text, extra))

    @property
    def running(self) -> bool:
        return any(not t.done() for t in self._tasks)

    # caller audio (the hot path) ---------------------------------------------------------
    def offer(self, frame: AudioFrame) -> None:
        """Called by the transport for every caller frame; never blocks."""
        self.stats.frames_in += 1
        if frame.sample_width != 2 or frame.channels != 1:
            self.stats.frames_dropped += 1
            self._emit(
                RealtimeEvent(
                    RealtimeEventType.ERROR,
                    code="bad_frame",
                    message=(
                        f"caller frame dropped: {frame.channels} channel(s) of "
                        f"{8 * frame.sample_width}-bit audio; realtime voice takes mono PCM16"
                    ),
                )
            )
            return
        frames = self._frames
        if len(frames) >= self.channel.queue_size:
            frames.popleft()
            self.stats.frames_dropped += 1
        frames.append((bytes(frame.data), frame.sample_rate))
        self._wake.set()

    def _for_model(self, batch: list[tuple[bytes, int]]) -> bytes:
        """Queued caller frames as one chunk at the model's rate, converted run by run."""
        rate = self.provider.input_sample_rate
        out: list[bytes] = []
        for source, run in groupby(batch, key=itemgetter(1)):
            data = b"".join(d for d, _ in run)
            if source != rate:
                if self._to_model is not None:
                    data = bytes(self._to_model.resample(AudioFrame(data, source), rate).data)
                else:
                    data = resample_pcm16(data, source, rate)
            out.append(data)
        return out[0] if len(out) == 1 else b"".join(out)

    async def _input_loop(self) -> None:
        frames = self._frames
        provider = self.provider
        session = self.session
        while True:
            if not frames:
                self._wake.clear()
                await self._wake.wait()
                continue
            if not self._connected:
                self.stats.frames_dropped += len(frames)
                frames.clear()
                continue
            # a backlog (the loop fell behind) is converted and sent at once: one resampler
            # call and one message instead of one per frame
            count = len(frames)
            batch = [frames.popleft()] if count == 1 else _drain(frames)
            try:
                await provider.send_audio(session, self._for_model(batch))
            except Exception as exc:
                self.stats.frames_dropped += count
                if self._connected and not provider.is_connected(session):
                    continue  # the DISCONNECTED event will resume the session
                await self.signals.failed("sending audio to the model failed", exc)

    # what the model says -----------------------------------------------------------------
    def _emit(self, event: RealtimeEvent) -> None:
        self._events.append(event)
        self._has_events.set()

    async def _event_loop(self) -> None:
        events = self._events
        audio = RealtimeEventType.AUDIO
        while True:
            if not events:
                self._has_events.clear()
                await self._has_events.wait()
                continue
            event = events.popleft()
            try:
                if event.type is audio:
                    chunks = [event.audio]
                    _take_audio(event, events, chunks)
                    await self._play(chunks)
                else:
                    await self._on_event(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self.signals.failed(f"handling the model's {event.type} event failed", exc)

    async def _on_event(self, event: RealtimeEvent) -> None:
        kind = event.type
        signals = self.signals
        if kind is RealtimeEventType.AUDIO:
            await self._play([event.audio])
        elif kind is RealtimeEventType.RESPONSE_STARTED:
            self.playing = True
            self._cut_response = False
            await self._refresh_mute(force=True)
        elif kind is RealtimeEventType.RESPONSE_DONE:
            self.playing = False
            self._cut_response = False
        elif kind is RealtimeEventType.TRANSCRIPT:
            await self._transcript(event)
        elif kind is RealtimeEventType.SPEECH_STARTED:
            await signals.fire(HookTrigger.ON_SPEECH_START, {"source": "provider"})
            if self.playing:
                await self._barge_in("speech_started")
        elif kind is RealtimeEventType.INTERRUPTED:
            if self.playing or not self._cut_response:
                await self._barge_in("interrupted")
        elif kind is RealtimeEventType.SPEECH_STOPPED:
            await signals.fire(HookTrigger.ON_SPEECH_END, {"source": "provider"})
        elif kind is RealtimeEventType.TOOL_CALL:
            task = asyncio.create_task(self._run_tool(event), name=f"realtime-tool-{event.name}")
            self._tool_tasks.add(task)
            task.add_done_callback(self._tool_tasks.discard)
        elif kind is RealtimeEventType.ERROR:
            if event.code == "bad_frame":  # raised by offer(), not by the model
                await signals.failed(event.message)
                await self._tell_caller({"type": "error", "message": event.message})
                return
            self.stats.provider_errors += 1
            await signals.failed(f"model error {event.code or ''}: {event.message}".strip())
        elif kind is RealtimeEventType.DISCONNECTED:
            await self._resume(event.message)

    async def _play(self, chunks: list[bytes]) -> None:
        """Play the model's audio chunks (several when the loop fell behind: one send)."""
        audio = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if not audio:
            return
        if self._cut_response:
            self.stats.frames_suppressed += len(chunks)
            return
        await self._refresh_mute()
        if self._muted:
            self.stats.frames_suppressed += len(chunks)
            return
        rate = self.session.sample_rate
        source = self.provider.output_sample_rate
        if source == rate:
            frame = AudioFrame(audio, rate)
        elif self._to_caller is not None:
            frame = self._to_caller.resample(AudioFrame(audio, source), rate)
        else:
            frame = AudioFrame(resample_pcm16(audio, source, rate), rate)
        self.playing = True
        self.stats.frames_out += len(chunks)
        await self.transport.send_audio(self.session, frame)

    async def _refresh_mute(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._muted_checked < MUTE_CHECK_SECONDS:
            return
        self._muted_checked = now
        binding = await self._rt.store.get_binding(self.session.room_id, self.session.channel_id)
        self._muted = binding is None or binding.muted or binding.output_muted

    async def _barge_in(self, reason: str) -> None:
        self._cut_response = True
        self.playing = False
        self.stats.barge_ins += 1
        try:
            await self.transport.cancel_audio(self.session)
        except Exception as exc:
            await self.signals.failed("stopping the caller's playback failed", exc)
        await self.signals.fire(HookTrigger.ON_BARGE_IN, {"reason": reason})

    async def _transcript(self, event: RealtimeEvent) -> None:
        text = event.text.strip()
        await self._tell_caller(
            {"type": "transcript", "role": event.role, "text": event.text, "final": event.final}
        )
        if not event.final or not text:
            return
        if event.role == "user":
            await self.signals.fire(
                HookTrigger.ON_TRANSCRIPTION,
                {"text": text, "is_final": True, "role": "user"},
                text,
            )
        else:
            await self._refresh_mute(force=True)
            if self._muted:
                return
        self._queue_for_room(event.role, text, {})

    async def _tell_caller(self, message: dict[str, Any]) -> None:
        if isinstance(self.transport, RealtimeAudioTransport):
            try:
                await self.transport.send_message(self.session, message)
            except Exception as exc:
                log.debug("could not send %s to the caller: %s", message.get("type"), exc)

    # tools -------------------------------------------------------------------------------
    async def _run_tool(self, event: RealtimeEvent) -> None:
        self.stats.tool_calls += 1
        call = AIToolCall(id=event.call_id, name=event.name, arguments=event.arguments)
        started = time.perf_counter()
        timeout = self.channel.tool_timeout
        try:
            result = await asyncio.wait_for(self._toolbox.run(call), timeout)
        except TimeoutError:
            result = AIToolResult(
                tool_call_id=call.id,
                name=call.name,
                result=json.dumps({"error": f"tool {call.name!r} timed out after {timeout:g}s"}),
                is_error=True,
            )
        duration_ms = (time.perf_counter() - started) * 1000
        if result.is_error:
            await self.signals.failed(f"tool {call.name!r} failed: {result.result}")
        try:
            await self.provider.send_tool_result(self.session, call.id, call.name, result.result)
        except Exception as exc:
            await self.signals.failed(f"returning the result of tool {call.name!r} failed", exc)
        if self.signals.wanted(HookTrigger.ON_TOOL_CALL):
            await self._rt.hooks.run_async(
                HookTrigger.ON_TOOL_CALL,
                ToolCallEvent(
                    room_id=self.session.room_id,
                    channel_id=self.session.channel_id,
                    round=1,
                    tool_calls=[call],
                    results=[result],
                    duration_ms=duration_ms,
                ),
                await self.signals.context(),
            )

    # text --------------------------------------------------------------------------------
    async def inject(self, text: str, role: Role, respond: bool) -> None:
        await self.provider.send_text(self.session, text, role=role, respond=respond)
        await self.signals.fire(
            HookTrigger.ON_REALTIME_TEXT_INJECTED, {"text": text, "role": role}, text
        )
        await self._tell_caller({"type": "transcript", "role": role, "text": text, "final": True})
        self._queue_for_room(role, text, {"injected": True})

    # the room ----------------------------------------------------------------------------
    async def _room_loop(self) -> None:
        while True:
            role, text, extra = await self._room.get()
            try:
                await self._store(role, text, extra)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self.signals.failed(f"storing the {role}'s transcript failed", exc)
            finally:
                self.transcripts_pending -= 1
                if not self.transcripts_pending:
                    self._room_idle.set()

    async def _store(self, role: Role, text: str, extra: dict[str, Any]) -> None:
        session = self.session
        meta = {"session_id": session.id, "role": role, **extra}
        if role == "user":
            outcome = await self._process(
                InboundMessage(
                    channel_id=session.channel_id,
                    sender_id=session.participant_id,
                    content=TextContent(body=text),
                    metadata={"realtime_voice": meta},
                ),
                session.room_id,
            )
            if outcome.blocked:
                self.signals.failures.append(f"transcript blocked: {outcome.reason}")
            else:
                self.stats.transcripts_stored += 1
            return
        event = RoomEvent(
            room_id=session.room_id,
            type=EventType.MESSAGE,
            source=EventSource(
                channel_id=session.channel_id,
                channel_type=self.channel.channel_type,
                direction=ChannelDirection.OUTBOUND,
            ),
            content=TextContent(body=text),
            metadata={"realtime_voice": meta},
            chain_depth=1,
        )
        outcome = await self._process_event(event)
        if outcome.blocked:
            self.signals.failures.append(f"transcript blocked: {outcome.reason}")
        else:
            self.stats.transcripts_stored += 1

    # resumption --------------------------------------------------------------------------
    async def _resume(self, why: str) -> None:
        if self._stopping:
            return
        self._connected = False
        self.playing = False
        await self.signals.failed(f"model connection lost ({why or 'no reason given'}); resuming")
        attempts = self.channel.max_resume_attempts
        last: Exception | None = None
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(RESUME_BASE_DELAY * 2 ** (attempt - 1))
            try:
                config = self.channel.session_config(history=await self._history())
                await self.provider.resume(self.session, config, self._emit)
            except Exception as exc:
                last = exc
                continue
            self._connected = True
            self.stats.resumptions += 1
            await self._rt.events.emit(
                "realtime_session_resumed",
                room_id=self.session.room_id,
                session_id=self.session.id,
                channel_id=self.session.channel_id,
                attempts=attempt + 1,
            )
            return
        await self.signals.failed(
            f"could not resume the model connection after {attempts} tries", last
        )
        self._on_lost(self.session, "provider_lost")

    async def _history(self) -> list[RealtimeHistoryItem]:
        limit = self.channel.history_limit
        if not limit:
            return []
        events = await self._rt.store.list_recent_events(self.session.room_id, limit)
        items: list[RealtimeHistoryItem] = []
        for e in events:
            if e.type is not EventType.MESSAGE or not isinstance(e.content, TextContent):
                continue
            if e.status is EventStatus.BLOCKED:
                continue
            mine = e.source.channel_id == self.session.channel_id
            role: Role = (
                "assistant" if mine and e.source.direction is ChannelDirection.OUTBOUND else "user"
            )
            items.append(RealtimeHistoryItem(role=role, text=e.content.body))
        return items


def _take_audio(first: RealtimeEvent, events: deque[RealtimeEvent], chunks: list[bytes]) -> None:
    """Move the audio of the same answer waiting right behind ``first`` into ``chunks``: when
    the loop fell behind, the caller gets it in one send instead of many."""
    while events and events[0].type is first.type and events[0].response_id == first.response_id:
        chunks.append(events.popleft().audio)


def _drain(frames: deque[tuple[bytes, int]]) -> list[tuple[bytes, int]]:
    taken = list(frames)
    frames.clear()
    return taken
