"""A fake of xAI's text-to-speech: ``POST /v1/tts`` with a bearer key, answering raw audio.

The body is ``{text, voice_id, language, output_format: {codec, sample_rate}}``; this fake
speaks ``codec: "pcm"`` only and, like the ElevenLabs fake it shares its streaming with, says a
tone whose length follows the text, one chunk per word.
"""

from __future__ import annotations

from aiohttp import web

from roomkit_fakes.elevenlabs import PCM_RATES, ElevenLabsFake, Synthesis
from roomkit_fakes.server import ProtocolError

VOICES = {"eve", "ara", "leo", "rex", "sal"}


class XAITTSFake(ElevenLabsFake):
    def __init__(self, *, api_key: str = "xai-test-key") -> None:
        super().__init__(api_key=api_key)

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/tts", self.tts)]

    @staticmethod
    def _error(status: int, message: str) -> web.Response:
        return web.json_response({"code": str(status), "error": message}, status=status)

    async def tts(self, request: web.Request) -> web.StreamResponse:
        body = await self.record(request)
        if request.headers.get("Authorization") != f"Bearer {self.api_key_expected}":
            return self._error(401, "Incorrect API key provided")
        if self.errors:
            status = self.errors.pop(0)
            return self._error(status, f"scripted HTTP {status}")
        try:
            text = body.get("text")
            self.require(isinstance(text, str) and bool(text.strip()), "text: required")
            self.require(len(str(text)) <= 15000, "text: at most 15000 characters")
            self.require(str(body.get("voice_id", "eve")).lower() in VOICES, "voice_id: unknown")
            self.require(isinstance(body.get("language"), str), "language: required")
            output = body.get("output_format") or {}
            self.require(output.get("codec") == "pcm", "this fake speaks codec 'pcm' only")
            rate = int(output.get("sample_rate", 24000))
            self.require(rate in PCM_RATES, f"output_format.sample_rate: {rate} not supported")
        except ProtocolError as exc:
            return self._error(400, str(exc))
        synthesis = Synthesis(
            str(body.get("voice_id", "eve")),
            str(text),
            body,
            dict(request.query),
            {k.lower(): v for k, v in request.headers.items()},
        )
        self.syntheses.append(synthesis)
        return await self._speak(request, synthesis, rate)
