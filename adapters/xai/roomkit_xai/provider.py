"""GrokTTSProvider: xAI text-to-speech over httpx, streamed as PCM frames."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx

from roomkit.domain.errors import RoomKitError
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import TTSProvider
from roomkit_xai.config import GrokTTSConfig


class GrokTTSError(RoomKitError):
    """xAI refused, failed or stalled; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


_MEANING = {
    400: "the request was refused (check the voice, language and output format)",
    401: "the API key was refused",
    403: "the API key may not use text-to-speech",
    429: "too many requests (rate limited)",
}


class GrokTTSProvider(TTSProvider):
    """xAI's ``POST /v1/tts`` streamed: frames are yielded as the audio arrives; closing the
    stream early (barge-in) closes the HTTP response."""

    name = "grok"

    def __init__(self, config: GrokTTSConfig) -> None:
        self.config = config
        self._http = httpx.AsyncClient(
            base_url=config.base_url.rstrip("/"),
            timeout=config.timeout,
            headers={"Authorization": f"Bearer {config.api_key}"},
        )
        self._closed = False

    @property
    def sample_rate(self) -> int:
        return self.config.sample_rate

    def _body(self, text: str, voice: str | None) -> dict[str, Any]:
        c = self.config
        body: dict[str, Any] = {
            "text": text,
            "voice_id": voice or c.voice,
            "language": c.language,
            "output_format": {"codec": "pcm", "sample_rate": c.sample_rate},
        }
        if c.speed is not None:
            body["speed"] = c.speed
        if c.optimize_streaming_latency is not None:
            body["optimize_streaming_latency"] = c.optimize_streaming_latency
        return body

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioFrame]:
        if not text.strip():
            return
        if len(text) > self.config.max_text_chars:
            raise ValueError(
                f"xAI speaks at most {self.config.max_text_chars} characters per request; "
                f"got {len(text)}"
            )
        rate = self.config.sample_rate
        frame_bytes = rate * self.config.frame_ms // 1000 * 2
        try:
            async with self._http.stream("POST", "/v1/tts", json=self._body(text, voice)) as resp:
                if resp.status_code >= 400:
                    await resp.aread()
                    raise GrokTTSError(self._describe(resp), status=resp.status_code)
                chunks = resp.aiter_raw()
                buffer = bytearray()
                elapsed = 0.0
                while True:
                    chunk = await self._next(chunks)
                    if chunk is None:
                        break
                    buffer.extend(chunk)
                    while len(buffer) >= frame_bytes:
                        yield AudioFrame(bytes(buffer[:frame_bytes]), rate, timestamp_ms=elapsed)
                        del buffer[:frame_bytes]
                        elapsed += self.config.frame_ms
                whole = len(buffer) - len(buffer) % 2
                if whole:
                    yield AudioFrame(bytes(buffer[:whole]), rate, timestamp_ms=elapsed)
        except httpx.HTTPError as exc:
            raise GrokTTSError(f"xAI could not be reached: {exc!r}") from exc

    async def _next(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        try:
            return await asyncio.wait_for(anext(chunks), self.config.stall_timeout)
        except StopAsyncIteration:
            return None
        except TimeoutError as exc:
            raise GrokTTSError(
                f"xAI sent no audio for {self.config.stall_timeout:g} s; the stream stalled"
            ) from exc

    @staticmethod
    def _describe(resp: httpx.Response) -> str:
        status = resp.status_code
        meaning = _MEANING.get(status, "the service failed" if status >= 500 else "error")
        try:
            detail = resp.json().get("error", "")
        except ValueError:
            detail = resp.text[:200]
        return f"xAI HTTP {status}: {meaning}" + (f" ({detail})" if detail else "")

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._http.aclose()
