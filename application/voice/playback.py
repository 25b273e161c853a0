"""Playback: the agent's replies, one after another, through BEFORE_TTS -> TTS -> outbound
stages -> backend -> AFTER_TTS; cancellable at any frame (barge-in)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from roomkit.application.runtime import Runtime
from roomkit.application.voice.levels import LEVEL_INTERVAL_MS, level_dbfs
from roomkit.application.voice.pipeline.engine import AudioPipeline
from roomkit.application.voice.signals import VoiceSignals
from roomkit.domain.content import TextContent
from roomkit.domain.enums import HookTrigger
from roomkit.domain.event import RoomEvent
from roomkit.ports.voice import TTSProvider, VoiceBackend


class Playback:
    def __init__(
        self,
        runtime: Runtime,
        signals: VoiceSignals,
        tts: TTSProvider | None,
        backend: VoiceBackend,
        pipeline: AudioPipeline,
        *,
        voice: str | None = None,
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        self._rt = runtime
        self._signals = signals
        self._tts = tts
        self._backend = backend
        self._pipeline = pipeline
        self._voice = voice
        self._on_first_frame = on_first_frame
        self._queue: asyncio.Queue[RoomEvent] = asyncio.Queue()
        self._current: asyncio.Task[None] | None = None
        self.speaking_text: str | None = None
        self.frames_sent = 0
        self.spoken: list[str] = []

    @property
    def playing(self) -> bool:
        return self._current is not None and not self._current.done()

    def say(self, event: RoomEvent) -> None:
        self._queue.put_nowait(event)

    async def run(self) -> None:
        while True:
            event = await self._queue.get()
            self._current = asyncio.create_task(self._speak(event))
            await asyncio.wait({self._current})
            self._current = None

    async def cancel(self, reason: str) -> bool:
        """Stop the reply being spoken and drop the queued ones; True if something was cut."""
        while not self._queue.empty():
            self._queue.get_nowait()
        current = self._current
        if current is None or current.done():
            return False
        text = self.speaking_text
        current.cancel()
        await asyncio.wait({current})
        self._pipeline.playback_cut()
        session = self._signals.session
        try:
            await self._backend.cancel_audio(session)
        except Exception as exc:
            await self._signals.failed("the backend could not stop playback", exc)
        data = {"reason": reason, "text": text, "frames_sent": self.frames_sent}
        await self._signals.fire(HookTrigger.ON_BARGE_IN, data, text)
        await self._signals.fire(HookTrigger.ON_TTS_CANCELLED, data, text)
        return True

    async def _speak(self, event: RoomEvent) -> None:
        if self._tts is None:
            return
        if self._signals.wanted(HookTrigger.BEFORE_TTS):
            outcome = await self._rt.hooks.run_sync(
                HookTrigger.BEFORE_TTS, event, await self._signals.context()
            )
            if outcome.blocked:
                return
            event = outcome.event
        if not isinstance(event.content, TextContent) or not event.content.body.strip():
            return
        text = event.content.body
        self.speaking_text = text
        self.frames_sent = 0
        duration_ms = 0.0
        session = self._signals.session
        started = time.perf_counter()
        levels = self._signals.wanted(HookTrigger.ON_OUTPUT_AUDIO_LEVEL)
        since_level = LEVEL_INTERVAL_MS
        try:
            async for frame in self._tts.synthesize_stream(text, voice=self._voice):
                out = self._pipeline.process_outbound(frame)
                await self._backend.send_audio(session, out)
                if self.frames_sent == 0 and self._on_first_frame is not None:
                    self._on_first_frame()
                self.frames_sent += 1
                duration_ms += out.duration_ms
                if levels:
                    since_level += out.duration_ms
                    if since_level >= LEVEL_INTERVAL_MS:
                        since_level = 0.0
                        await self._signals.fire(
                            HookTrigger.ON_OUTPUT_AUDIO_LEVEL, {"level_db": level_dbfs(out.data)}
                        )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._signals.failed(f"speaking {text[:40]!r} failed", exc)
            return
        finally:
            self.speaking_text = None
        self.spoken.append(text)
        await self._signals.fire(
            HookTrigger.AFTER_TTS,
            {
                "event_id": event.id,
                "frames": self.frames_sent,
                "duration_ms": duration_ms,
                "synthesis_ms": (time.perf_counter() - started) * 1000,
            },
            text,
        )
