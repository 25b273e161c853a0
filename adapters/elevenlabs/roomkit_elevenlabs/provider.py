"""ElevenLabsTTSProvider: streamed speech as 16-bit PCM frames at the configured rate."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from elevenlabs import AsyncElevenLabs, VoiceSettings
from elevenlabs.core.api_error import ApiError

from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import TTSProvider
from roomkit_elevenlabs.config import ElevenLabsConfig
from roomkit_elevenlabs.errors import ElevenLabsError, describe_status


class ElevenLabsTTSProvider(TTSProvider):
    """ElevenLabs text-to-speech on the official SDK's streaming endpoint.

    Frames are yielded as the vendor's chunks arrive (the first long before the text is fully
    synthesized). Closing the stream early, as barge-in does, closes the HTTP response, so the
    vendor stops synthesizing. A stream that sends nothing for ``stall_timeout`` seconds fails
    with :class:`ElevenLabsError` instead of hanging the call.
    """

    name = "elevenlabs"

    def __init__(self, config: ElevenLabsConfig) -> None:
        self.config = config
        self._http = httpx.AsyncClient(timeout=config.timeout)
        self.client = AsyncElevenLabs(
            api_key=config.api_key,
            base_url=config.base_url.rstrip("/"),
            timeout=config.timeout,
            httpx_client=self._http,
        )
        self._closed = False

    @property
    def sample_rate(self) -> int:
        return self.config.sample_rate

    @property
    def _frame_bytes(self) -> int:
        return self.config.sample_rate * self.config.frame_ms // 1000 * 2

    def _voice_settings(self) -> VoiceSettings | None:
        c = self.config
        values = {
            "stability": c.stability,
            "similarity_boost": c.similarity_boost,
            "style": c.style,
            "use_speaker_boost": c.use_speaker_boost,
            "speed": c.speed,
        }
        given = {k: v for k, v in values.items() if v is not None}
        return VoiceSettings(**given) if given else None

    def _request(self, text: str, voice: str | None) -> dict[str, Any]:
        c = self.config
        request: dict[str, Any] = {
            "voice_id": voice or c.voice_id,
            "text": text,
            "model_id": c.model,
            "output_format": f"pcm_{c.sample_rate}",
            # the SDK buffers chunk_size bytes before yielding; one frame's worth keeps the
            # first audio as early as the vendor sends it
            "request_options": {"max_retries": c.max_retries, "chunk_size": self._frame_bytes},
        }
        settings = self._voice_settings()
        if settings is not None:
            request["voice_settings"] = settings
        if c.language_code:
            request["language_code"] = c.language_code
        if c.optimize_streaming_latency is not None:
            request["optimize_streaming_latency"] = c.optimize_streaming_latency
        return request

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioFrame]:
        if not text.strip():
            return
        rate = self.config.sample_rate
        frame_bytes = self._frame_bytes
        chunks = self.client.text_to_speech.stream(**self._request(text, voice))
        buffer = bytearray()
        elapsed_ms = 0.0
        try:
            while True:
                chunk = await self._next(chunks)
                if chunk is None:
                    break
                buffer.extend(chunk)
                while len(buffer) >= frame_bytes:
                    yield AudioFrame(bytes(buffer[:frame_bytes]), rate, timestamp_ms=elapsed_ms)
                    del buffer[:frame_bytes]
                    elapsed_ms += self.config.frame_ms
            whole = len(buffer) - len(buffer) % 2
            if whole:
                yield AudioFrame(bytes(buffer[:whole]), rate, timestamp_ms=elapsed_ms)
        finally:
            with contextlib.suppress(Exception):
                await chunks.aclose()

    async def _next(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        try:
            return await asyncio.wait_for(anext(chunks), self.config.stall_timeout)
        except StopAsyncIteration:
            return None
        except TimeoutError as exc:
            raise ElevenLabsError(
                f"ElevenLabs sent no audio for {self.config.stall_timeout:g} s; the stream stalled"
            ) from exc
        except ApiError as exc:
            raise ElevenLabsError(
                describe_status(exc.status_code, exc.body), status=exc.status_code
            ) from exc
        except httpx.HTTPError as exc:
            raise ElevenLabsError(f"ElevenLabs could not be reached: {exc!r}") from exc

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._http.aclose()
