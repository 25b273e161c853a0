"""One live Deepgram WebSocket per call, kept open across drops.

Audio sent since the last settled (``is_final``) result is kept; when the connection drops, a
new one is opened after a backoff and that audio is sent again first, so the utterance in flight
is transcribed whole. While the caller is silent and no frames come, ``KeepAlive`` keeps the
stream open; at the end, ``Finalize`` flushes the last words and ``CloseStream`` ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from typing import TYPE_CHECKING, Any

from deepgram.core.api_error import ApiError
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from roomkit.domain.voice import AudioFrame, TranscriptionResult
from roomkit_deepgram.errors import DeepgramError, describe_status

if TYPE_CHECKING:
    from roomkit_deepgram.provider import DeepgramSTTProvider

_END = object()
_TRANSIENT = (ConnectionClosed, InvalidHandshake, OSError, TimeoutError)


def _flag(value: bool) -> str:
    return "true" if value else "false"


class LiveTranscription:
    """Streams ``frames`` to Deepgram and yields what it hears (see ``results``)."""

    def __init__(
        self,
        provider: DeepgramSTTProvider,
        frames: AsyncIterable[AudioFrame],
        *,
        sample_rate: int,
    ) -> None:
        self.provider = provider
        self.config = provider.config
        self.sample_rate = sample_rate
        self._source = frames
        self._frames: asyncio.Queue[Any] = asyncio.Queue()
        self._out: asyncio.Queue[Any] = asyncio.Queue()
        self._pending = bytearray()  # audio not yet covered by a final result
        self._pending_start = 0  # stream offset (bytes) of _pending[0]
        self._connection_start = 0  # stream offset the current connection's clock starts at
        self._segments: list[str] = []
        self._input_done = False
        self.connections = 0
        self.keepalives = 0

    async def results(self) -> AsyncIterator[TranscriptionResult]:
        feeder = asyncio.create_task(self._feed())
        runner = asyncio.create_task(self._run())
        try:
            while True:
                item = await self._out.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            for task in (feeder, runner):
                task.cancel()
            await asyncio.gather(feeder, runner, return_exceptions=True)

    # input ---------------------------------------------------------------------------------
    async def _feed(self) -> None:
        try:
            async for frame in self._source:
                if frame.sample_rate != self.sample_rate or frame.sample_width != 2:
                    raise ValueError(
                        f"live transcription was opened for 16-bit PCM at {self.sample_rate} Hz; "
                        f"got a frame at {frame.sample_rate} Hz, {frame.sample_width}-byte samples"
                    )
                await self._frames.put(bytes(frame.data))
        except Exception as exc:
            await self._out.put(exc)
        finally:
            await self._frames.put(_END)

    # connection ----------------------------------------------------------------------------
    def _query(self) -> dict[str, Any]:
        c = self.config
        query: dict[str, Any] = {
            "model": c.model,
            "encoding": "linear16",
            "sample_rate": self.sample_rate,
            "channels": 1,
            "punctuate": _flag(c.punctuate),
            "interim_results": _flag(c.interim_results),
            "vad_events": _flag(c.vad_events),
        }
        if c.language:
            query["language"] = c.language
        if c.smart_format:
            query["smart_format"] = "true"
        if c.endpointing_ms is not None:
            query["endpointing"] = c.endpointing_ms
        if c.utterance_end_ms is not None and c.interim_results:
            query["utterance_end_ms"] = c.utterance_end_ms
        if c.keywords:
            query["keywords"] = c.keywords
        return query

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                async with self.provider.client.listen.v1.connect(**self._query()) as socket:
                    self.connections += 1
                    failures = 0
                    if await self._session(socket):
                        self._flush_utterance()
                        await self._out.put(_END)
                        return
            except ApiError as exc:
                status = exc.status_code or 0
                if status < 500 and status != 429:
                    await self._fail(
                        DeepgramError(describe_status(status, exc.body), status=status)
                    )
                    return
                last: BaseException = exc
            except _TRANSIENT as exc:
                last = exc
            else:
                last = ConnectionError("the live stream was closed before CloseStream")
            failures += 1
            if failures > self.config.reconnect_attempts:
                await self._fail(
                    DeepgramError(
                        f"the Deepgram live stream dropped and could not be reopened after "
                        f"{self.config.reconnect_attempts} attempts: {last!r}"
                    )
                )
                return
            delay = self.config.reconnect_base_delay * 2 ** (failures - 1)
            await asyncio.sleep(min(delay, self.config.reconnect_max_delay))

    async def _fail(self, error: Exception) -> None:
        await self._out.put(error)
        await self._out.put(_END)

    async def _session(self, socket: Any) -> bool:
        """Run one connection; True when the stream ended as asked (input done, CloseStream)."""
        self._connection_start = self._pending_start
        if self._pending:
            await socket.send_media(bytes(self._pending))
        sender = asyncio.create_task(self._send(socket))
        try:
            async for message in socket:
                self._handle(message)
        finally:
            if not sender.done():
                sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        return self._input_done

    async def _send(self, socket: Any) -> None:
        if self._input_done:
            await self._finish(socket)
            return
        while True:
            try:
                item = await asyncio.wait_for(self._frames.get(), self.config.keepalive_interval)
            except TimeoutError:
                await socket.send_keep_alive()
                self.keepalives += 1
                continue
            if item is _END:
                self._input_done = True
                await self._finish(socket)
                return
            self._pending.extend(item)
            await socket.send_media(item)

    async def _finish(self, socket: Any) -> None:
        await socket.send_finalize()
        await socket.send_close_stream()

    # results -------------------------------------------------------------------------------
    def _handle(self, message: Any) -> None:
        kind = getattr(message, "type", None)
        if kind == "Results":
            self._on_results(message)
        elif kind == "UtteranceEnd":
            self._flush_utterance()
        elif kind == "SpeechStarted":
            self._emit("", "speech_started", is_final=False)

    def _on_results(self, message: Any) -> None:
        alternatives = message.channel.alternatives
        best = alternatives[0] if alternatives else None
        text = (best.transcript if best else "") or ""
        confidence = best.confidence if best else None
        if not message.is_final:
            if text:
                self._emit(" ".join([*self._segments, text]), "interim", False, confidence)
            return
        self._settle(float(message.start) + float(message.duration))
        if text:
            self._segments.append(text)
            self._emit(text, "final", True, confidence)
        if message.speech_final:
            self._flush_utterance()

    def _settle(self, end_seconds: float) -> None:
        """Forget the audio a final result covered; it need not be sent again."""
        settled = self._connection_start + int(end_seconds * self.sample_rate) * 2
        drop = max(0, min(len(self._pending), settled - self._pending_start))
        del self._pending[:drop]
        self._pending_start += drop

    def _flush_utterance(self) -> None:
        if self._segments:
            text = " ".join(self._segments)
            self._segments = []
            self._emit(text, "utterance", True)

    def _emit(self, text: str, event: str, is_final: bool, confidence: float | None = None) -> None:
        self._out.put_nowait(
            TranscriptionResult(
                text=text,
                is_final=is_final,
                confidence=confidence,
                language=self.config.language,
                metadata={"event": event},
            )
        )
