"""A fake of Deepgram's listen API: pre-recorded ``POST /v1/listen`` and live ``WS /v1/listen``.

It cannot recognise speech, so transcripts are scripted: ``learn(pcm, text)`` ties a piece of
audio to its text (unknown audio gets ``default_transcript``), and live utterances take their
text from ``live_transcripts`` in order. What it does check is what the real service checks: the
``Authorization: Token`` key, the query (model, encoding, sample rate), the audio being whole
16-bit PCM, and the control messages (``KeepAlive``, ``Finalize``, ``CloseStream``).

Live speech is found by energy: audio louder than ``speech_level`` starts an utterance (a
``SpeechStarted`` message when ``vad_events=true``), interim ``Results`` follow every
``interim_every_ms`` of audio, and ``endpointing`` ms of quiet end it with a final result marked
``speech_final``, then an ``UtteranceEnd`` when ``utterance_end_ms`` was asked for.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import math
import struct
import time
import uuid
import wave
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from roomkit_fakes.server import FakeServer, Recorded


@dataclass
class LiveConnection:
    """One live WebSocket as the fake saw it."""

    query: dict[str, str]
    headers: dict[str, str]
    audio: bytearray = field(default_factory=bytearray)
    controls: list[str] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    closed_by_client: bool = False
    dropped: bool = False


@dataclass
class _Utterance:
    audio: bytearray = field(default_factory=bytearray)
    finalized_words: int = 0
    quiet_ms: float = 0.0
    since_interim_ms: float = 0.0
    start_s: float = 0.0


def _level(pcm: bytes) -> float:
    count = len(pcm) // 2
    if count == 0:
        return 0.0
    samples = struct.unpack(f"<{count}h", pcm[: count * 2])
    return math.sqrt(sum(s * s for s in samples) / count)


def pcm_of_upload(body: bytes) -> tuple[bytes, int]:
    """The PCM and rate of an uploaded WAV file (raw bytes are taken as 16 kHz PCM)."""
    if body[:4] == b"RIFF":
        with wave.open(io.BytesIO(body)) as wav:
            if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                raise ValueError("only mono 16-bit WAV is understood by this fake")
            return wav.readframes(wav.getnframes()), wav.getframerate()
    return body, 16000


class DeepgramFake(FakeServer):
    """Deepgram on 127.0.0.1; ``base_url`` for REST and ``ws_base_url`` for live streaming."""

    def __init__(self, *, api_key: str = "dg-test-key") -> None:
        super().__init__()
        self.api_key_expected = api_key
        self.default_transcript = "hello world"
        self.known: dict[str, str] = {}
        self.live_transcripts: list[str] = []
        self.live: list[LiveConnection] = []
        self.uploads: list[tuple[bytes, int]] = []
        self.speech_level = 300.0
        self.interim_every_ms = 200.0
        self.drop_after_bytes: list[int] = []
        self.reject_live: list[int] = []
        self.rest_errors: list[int] = []
        self.rest_delay = 0.0
        self.answered_at: list[float] = []  # time.perf_counter() as each transcript is sent

    # scripting -----------------------------------------------------------------------------
    def learn(self, pcm: bytes, text: str) -> DeepgramFake:
        """Answer ``text`` whenever exactly this audio is uploaded."""
        self.known[hashlib.sha256(pcm).hexdigest()] = text
        return self

    def say(self, *texts: str) -> DeepgramFake:
        """Transcripts of the next live utterances, in order."""
        self.live_transcripts.extend(texts)
        return self

    def drop_live_after(self, audio_bytes: int) -> DeepgramFake:
        """Cut the next live connection (no close frame) once it has sent this much audio."""
        self.drop_after_bytes.append(audio_bytes)
        return self

    def reject_next_live(self, status: int) -> DeepgramFake:
        """Refuse the next live handshake with HTTP ``status``."""
        self.reject_live.append(status)
        return self

    def fail_next_upload(self, status: int) -> DeepgramFake:
        self.rest_errors.append(status)
        return self

    @property
    def ws_base_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/listen", self.prerecorded), web.get("/v1/listen", self.listen)]

    # auth ----------------------------------------------------------------------------------
    def _authorized(self, request: web.Request) -> bool:
        value = request.headers.get("Authorization", "")
        return value == f"Token {self.api_key_expected}"

    @staticmethod
    def _error(status: int, message: str) -> web.Response:
        body = {"err_code": "REQUEST_ERROR", "err_msg": message, "request_id": str(uuid.uuid4())}
        return web.json_response(body, status=status)

    # pre-recorded --------------------------------------------------------------------------
    async def prerecorded(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.requests.append(
            Recorded(
                request.method,
                request.path,
                {k.lower(): v for k, v in request.headers.items()},
                {"bytes": len(raw)},
                dict(request.query),
            )
        )
        if self.rest_delay:
            await asyncio.sleep(self.rest_delay)
        if not self._authorized(request):
            return self._error(401, "Invalid credentials.")
        if self.rest_errors:
            status = self.rest_errors.pop(0)
            return self._error(status, f"scripted HTTP {status}")
        if "model" not in request.query:
            return self._error(400, "model: required")
        try:
            pcm, rate = pcm_of_upload(raw)
        except (wave.Error, EOFError, ValueError) as exc:
            return self._error(400, f"could not decode the audio: {exc}")
        if len(pcm) % 2:
            return self._error(400, "audio is not whole 16-bit samples")
        self.uploads.append((pcm, rate))
        text = self.known.get(hashlib.sha256(pcm).hexdigest(), self.default_transcript)
        if _level(pcm) < self.speech_level:
            text = ""
        duration = len(pcm) / 2 / rate
        self.answered_at.append(time.perf_counter())
        return web.json_response(
            {
                "metadata": {
                    "request_id": str(uuid.uuid4()),
                    "duration": duration,
                    "channels": 1,
                    "models": [request.query["model"]],
                },
                "results": {
                    "channels": [
                        {
                            "detected_language": request.query.get("language", "en"),
                            "alternatives": [
                                {
                                    "transcript": text,
                                    "confidence": 0.97 if text else 0.0,
                                    "words": self._words(text, 0.0, duration),
                                }
                            ],
                        }
                    ]
                },
            }
        )

    @staticmethod
    def _words(text: str, start: float, duration: float) -> list[dict[str, Any]]:
        words = text.split()
        step = duration / max(len(words), 1)
        return [
            {
                "word": w.strip(".,?!").lower(),
                "punctuated_word": w,
                "start": start + i * step,
                "end": start + (i + 1) * step,
                "confidence": 0.97,
            }
            for i, w in enumerate(words)
        ]

    # live ----------------------------------------------------------------------------------
    async def listen(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return self._error(401, "Invalid credentials.")
        if self.reject_live:
            status = self.reject_live.pop(0)
            return self._error(status, f"scripted HTTP {status}")
        query = dict(request.query)
        if query.get("encoding") not in (None, "linear16") or "model" not in query:
            return self._error(400, "expected encoding=linear16 and a model")
        conn = LiveConnection(query, {k.lower(): v for k, v in request.headers.items()})
        self.live.append(conn)
        drop_at = self.drop_after_bytes.pop(0) if self.drop_after_bytes else None
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        session = _LiveSession(self, conn, ws, int(query.get("sample_rate", "16000")))
        async for msg in ws:
            if msg.type == WSMsgType.BINARY:
                conn.audio.extend(msg.data)
                if drop_at is not None and len(conn.audio) >= drop_at:
                    conn.dropped = True
                    session.unheard()
                    if request.transport is not None:
                        request.transport.abort()
                    return ws
                await session.audio(msg.data)
            elif msg.type == WSMsgType.TEXT:
                kind = json.loads(msg.data).get("type", "")
                conn.controls.append(kind)
                if kind == "Finalize":
                    await session.finalize(from_finalize=True)
                elif kind == "CloseStream":
                    conn.closed_by_client = True
                    await session.finalize(from_finalize=False)
                    await session.send({"type": "Metadata", "request_id": str(uuid.uuid4())})
                    await ws.close()
                    break
            else:
                break
        return ws


class _LiveSession:
    """Turns one connection's audio into Deepgram's live messages."""

    def __init__(
        self, fake: DeepgramFake, conn: LiveConnection, ws: web.WebSocketResponse, rate: int
    ) -> None:
        self.fake = fake
        self.conn = conn
        self.ws = ws
        self.rate = rate
        self.q = conn.query
        self.endpointing = float(self.q.get("endpointing", "10"))
        self.utterance: _Utterance | None = None
        self.text = ""
        self.position_s = 0.0

    def _flag(self, name: str) -> bool:
        return self.q.get(name, "false").lower() == "true"

    async def send(self, message: dict[str, Any]) -> None:
        self.conn.sent.append(message)
        if not self.ws.closed:
            await self.ws.send_str(json.dumps(message))

    def unheard(self) -> None:
        """The connection dropped mid-utterance: the words not yet final will be heard again
        when the client resends that audio."""
        if self.utterance is not None:
            rest = self.text.split()[self.utterance.finalized_words :]
            if rest:
                self.fake.live_transcripts.insert(0, " ".join(rest))

    async def audio(self, data: bytes) -> None:
        step = max(2, self.rate // 50 * 2)  # analysed in 20 ms pieces, whatever the chunking
        for offset in range(0, len(data), step):
            await self._piece(data[offset : offset + step])

    async def _piece(self, chunk: bytes) -> None:
        ms = len(chunk) / 2 / self.rate * 1000
        self.position_s += ms / 1000
        loud = _level(chunk) >= self.fake.speech_level
        if self.utterance is None:
            if not loud:
                return
            self.utterance = _Utterance(start_s=self.position_s - ms / 1000)
            fake = self.fake
            scripted = fake.live_transcripts
            self.text = scripted.pop(0) if scripted else fake.default_transcript
            if self._flag("vad_events"):
                await self.send(
                    {"type": "SpeechStarted", "channel": [0], "timestamp": self.utterance.start_s}
                )
        utt = self.utterance
        utt.audio.extend(chunk)
        utt.quiet_ms = 0.0 if loud else utt.quiet_ms + ms
        utt.since_interim_ms += ms
        if utt.quiet_ms >= self.endpointing:
            await self._final(speech_final=True, from_finalize=False)
            return
        if self._flag("interim_results") and utt.since_interim_ms >= self.fake.interim_every_ms:
            utt.since_interim_ms = 0.0
            await self._result(self._partial(utt), is_final=False, speech_final=False)

    def _partial(self, utt: _Utterance) -> str:
        words = self.text.split()
        heard_ms = len(utt.audio) / 2 / self.rate * 1000
        count = max(1, min(len(words), int(heard_ms // 200)))
        return " ".join(words[utt.finalized_words : max(count, utt.finalized_words + 1)])

    async def finalize(self, *, from_finalize: bool) -> None:
        if self.utterance is not None:
            await self._final(speech_final=False, from_finalize=from_finalize)

    async def _final(self, *, speech_final: bool, from_finalize: bool) -> None:
        utt = self.utterance
        assert utt is not None
        words = self.text.split()
        rest = " ".join(words[utt.finalized_words :])
        utt.finalized_words = len(words)
        await self._result(
            rest, is_final=True, speech_final=speech_final, from_finalize=from_finalize
        )
        if speech_final or from_finalize:
            self.utterance = None  # flushed: later audio starts a new utterance
        if speech_final:
            if "utterance_end_ms" in self.q:
                await self.send(
                    {"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": self.position_s}
                )

    async def _result(
        self, text: str, *, is_final: bool, speech_final: bool, from_finalize: bool = False
    ) -> None:
        utt = self.utterance
        start = utt.start_s if utt else self.position_s
        duration = max(self.position_s - start, 0.0)
        message: dict[str, Any] = {
            "type": "Results",
            "channel_index": [0, 1],
            "duration": duration,
            "start": start,
            "is_final": is_final,
            "speech_final": speech_final,
            "channel": {
                "alternatives": [
                    {
                        "transcript": text,
                        "confidence": 0.95,
                        "words": DeepgramFake._words(text, start, duration),
                    }
                ]
            },
            "metadata": {
                "request_id": str(uuid.uuid4()),
                "model_info": {"name": self.q.get("model", ""), "version": "fake", "arch": "fake"},
                "model_uuid": str(uuid.uuid4()),
            },
        }
        if from_finalize:
            message["from_finalize"] = True
        await self.send(message)
