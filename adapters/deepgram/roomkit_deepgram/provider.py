"""DeepgramSTTProvider: one utterance over the pre-recorded API, or a live stream of frames."""

from __future__ import annotations

import io
import wave
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import httpx
from deepgram import AsyncDeepgramClient, DeepgramClientEnvironment
from deepgram.core.api_error import ApiError

from roomkit.domain.voice import AudioFrame, TranscriptionResult
from roomkit.ports.voice import STTProvider
from roomkit_deepgram.config import DeepgramConfig
from roomkit_deepgram.errors import DeepgramError, describe_status


def wav_bytes(audio: AudioFrame) -> bytes:
    """``audio`` as a WAV file, so the service reads its rate and width from the header."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(audio.channels)
        wav.setsampwidth(audio.sample_width)
        wav.setframerate(audio.sample_rate)
        wav.writeframes(bytes(audio.data))
    return buffer.getvalue()


class DeepgramSTTProvider(STTProvider):
    """Deepgram speech-to-text on the official SDK.

    ``transcribe`` sends one utterance to the pre-recorded API; ``transcribe_stream`` keeps one
    live WebSocket for a whole call (see :class:`roomkit_deepgram.live.LiveTranscription`).
    """

    name = "deepgram"
    supports_streaming = True

    def __init__(self, config: DeepgramConfig) -> None:
        self.config = config
        self.supports_streaming = config.streaming
        self._http = httpx.AsyncClient(timeout=config.timeout)
        self.client = AsyncDeepgramClient(
            api_key=config.api_key,
            environment=DeepgramClientEnvironment(
                base=config.base_url.rstrip("/"),
                production=config.ws_base_url.rstrip("/"),
                agent=config.ws_base_url.rstrip("/"),
                agent_rest=config.base_url.rstrip("/"),
            ),
            timeout=config.timeout,
            max_retries=config.max_retries,
            httpx_client=self._http,
        )
        self._closed = False

    def _options(self) -> dict[str, Any]:
        c = self.config
        options: dict[str, Any] = {"model": c.model, "punctuate": c.punctuate}
        if c.language:
            options["language"] = c.language
        if c.smart_format:
            options["smart_format"] = True
        if c.keywords:
            options["keywords"] = c.keywords
        return options

    async def transcribe(self, audio: AudioFrame) -> TranscriptionResult:
        if audio.sample_width != 2:
            raise ValueError(
                f"Deepgram needs 16-bit PCM; got a frame of {audio.sample_width}-byte samples"
            )
        try:
            response = await self.client.listen.v1.media.transcribe_file(
                request=wav_bytes(audio), **self._options()
            )
        except ApiError as exc:
            raise DeepgramError(
                describe_status(exc.status_code, exc.body), status=exc.status_code
            ) from exc
        except httpx.HTTPError as exc:
            raise DeepgramError(f"Deepgram could not be reached: {exc!r}") from exc
        channel = response.results.channels[0]
        best = channel.alternatives[0]
        return TranscriptionResult(
            text=best.transcript or "",
            is_final=True,
            confidence=best.confidence,
            language=getattr(channel, "detected_language", None) or self.config.language,
            metadata={"request_id": getattr(response.metadata, "request_id", None)},
        )

    def transcribe_stream(
        self, frames: AsyncIterable[AudioFrame], *, sample_rate: int = 16000
    ) -> AsyncIterator[TranscriptionResult]:
        """Transcribe a live call: interim, final and whole-utterance results as they come.

        ``metadata["event"]`` says which: ``"interim"`` (words may still change), ``"final"``
        (a settled segment) or ``"utterance"`` (the caller stopped: the utterance's whole text).
        """
        from roomkit_deepgram.live import LiveTranscription

        return LiveTranscription(self, frames, sample_rate=sample_rate).results()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._http.aclose()
