"""A fake of the Gemini Live API: the ``BidiGenerateContent`` WebSocket, over TLS.

With an API key the google-genai SDK always connects with ``wss://``, so the fake serves TLS
with a self-signed certificate made on the spot; ``client_ssl_context()`` trusts it.

The first client frame must be ``{"setup": ...}`` (answered with ``setupComplete``). Then,
from the script: ``on_speech(user=..., reply=...)`` once ``speech_ms`` of audio has been
streamed (input transcription, audio chunks with their output transcription, turnComplete),
``on_text(reply=...)`` for ``clientContent`` turns, ``tool_call`` in either, answered by
``toolResponse``. Audio arriving while an answer streams interrupts it (``interrupted``).
Every connection is given a resumption handle (``sessionResumptionUpdate``); a client that
reconnects with it in ``setup.sessionResumption.handle`` is counted in ``resumed``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime
import ipaddress
import json
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from roomkit_fakes.openai_realtime import tone
from roomkit_fakes.server import FakeServer

INPUT_RATE = 16000
OUTPUT_RATE = 24000
METHOD = "BidiGenerateContent"


@dataclass
class LiveTurn:
    trigger: str  # "speech", "text" or "tool_response"
    user: str = ""
    reply: str = ""
    reply_ms: int = 100
    chunk_ms: int = 20
    chunk_delay: float = 0.0
    tool_call: tuple[str, dict[str, Any], str] | None = None


@dataclass
class LiveConnection:
    path: str
    headers: dict[str, str]
    setup: dict[str, Any] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)
    ws: web.WebSocketResponse | None = None
    handle: str = ""

    def of_kind(self, key: str) -> list[dict[str, Any]]:
        return [m[key] for m in self.messages if key in m]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files in ``directory``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "roomkit-fakes")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class GeminiLiveFake(FakeServer):
    def __init__(self, *, speech_ms: int = 100) -> None:
        super().__init__()
        self.speech_ms = speech_ms
        self.turns: list[LiveTurn] = []
        self.connections: list[LiveConnection] = []
        self.resumed: list[str] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="roomkit-gemini-live-")
        self.cert_path, key_path = self_signed_certificate(Path(self._tmp.name))
        self._server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server_ssl.load_cert_chain(self.cert_path, key_path)

    # scripting -----------------------------------------------------------------------------
    def on_speech(self, user: str, reply: str = "", **options: Any) -> GeminiLiveFake:
        self.turns.append(LiveTurn("speech", user=user, reply=reply, **options))
        return self

    def on_text(self, reply: str = "", **options: Any) -> GeminiLiveFake:
        self.turns.append(LiveTurn("text", reply=reply, **options))
        return self

    def on_tool_response(self, reply: str, **options: Any) -> GeminiLiveFake:
        self.turns.append(LiveTurn("tool_response", reply=reply, **options))
        return self

    def client_ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.cert_path))
        return context

    @property
    def ws_url(self) -> str:
        return f"wss://127.0.0.1:{self.port}"

    @property
    def open_connections(self) -> list[LiveConnection]:
        return [c for c in self.connections if c.ws is not None and not c.ws.closed]

    async def drop_connections(self) -> None:
        for connection in self.open_connections:
            assert connection.ws is not None
            await connection.ws.close(code=1011, message=b"fake server dropped the connection")

    async def send_go_away(self) -> None:
        for connection in self.open_connections:
            await self._send(connection, {"goAway": {"timeLeft": "1s"}})

    # lifecycle (TLS) -----------------------------------------------------------------------
    async def start(self) -> GeminiLiveFake:
        import socket

        app = web.Application()
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, ssl_context=self._server_ssl).start()
        return self

    async def stop(self) -> None:
        for connection in self.open_connections:
            assert connection.ws is not None
            await connection.ws.close(code=1001, message=b"fake server stopping")
        await super().stop()
        self._tmp.cleanup()

    # the server ----------------------------------------------------------------------------
    def routes(self) -> list[web.RouteDef]:
        return [
            web.get(
                r"/ws/google.ai.generativelanguage.{version}.GenerativeService.{method}",
                self.handle,
            )
        ]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["method"] != METHOD:
            return web.json_response({"error": {"message": "unknown method"}}, status=404)
        if not request.headers.get("x-goog-api-key"):
            return web.json_response(
                {"error": {"code": 401, "message": "API key not valid"}}, status=401
            )
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        connection = LiveConnection(
            request.path, {k.lower(): v for k, v in request.headers.items()}, ws=ws
        )
        self.connections.append(connection)
        state = _LiveState()
        try:
            first = await ws.receive()
            if first.type is not WSMsgType.TEXT or "setup" not in _loads(first.data):
                await ws.close(code=1007, message=b"the first message must be setup")
                return ws
            connection.setup = _loads(first.data)["setup"]
            handle = (connection.setup.get("sessionResumption") or {}).get("handle")
            if handle:
                known = {c.handle for c in self.connections[:-1]}
                if handle not in known:
                    await ws.close(code=1008, message=b"unknown session resumption handle")
                    return ws
                self.resumed.append(handle)
            await self._send(connection, {"setupComplete": {}})
            connection.handle = f"handle-{len(self.connections)}"
            await self._send(
                connection,
                {"sessionResumptionUpdate": {"newHandle": connection.handle, "resumable": True}},
            )
            async for message in ws:
                if message.type is not WSMsgType.TEXT and message.type is not WSMsgType.BINARY:
                    continue
                await self._on_message(connection, state, message.data)
        finally:
            if state.responding is not None:
                state.responding.cancel()
        return ws

    async def _on_message(self, connection: LiveConnection, state: _LiveState, raw: Any) -> None:
        data = _loads(raw)
        if not data:
            await connection.ws.close(code=1007, message=b"invalid JSON")  # type: ignore[union-attr]
            return
        connection.messages.append(data)
        if "realtimeInput" in data:
            blob = data["realtimeInput"].get("audio") or {}
            try:  # protobuf JSON takes standard or URL-safe base64 (the SDK sends the latter)
                encoded = str(blob.get("data", ""))
                if "-" in encoded or "_" in encoded:
                    encoded = encoded.replace("-", "+").replace("_", "/")
                audio = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                await connection.ws.close(code=1007, message=b"audio is not base64")  # type: ignore[union-attr]
                return
            if not str(blob.get("mimeType", "")).startswith("audio/pcm"):
                await connection.ws.close(code=1007, message=b"audio must be audio/pcm")  # type: ignore[union-attr]
                return
            connection.audio += audio
            await self._on_audio(connection, state, len(audio))
        elif "clientContent" in data:
            if data["clientContent"].get("turnComplete"):
                turn = self._next("text")
                if turn is not None:
                    self._start(connection, state, turn)
        elif "toolResponse" in data:
            turn = self._next("tool_response")
            if turn is not None:
                self._start(connection, state, turn)

    async def _on_audio(self, connection: LiveConnection, state: _LiveState, size: int) -> None:
        if state.responding is not None and not state.responding.done():
            state.responding.cancel()
            await self._send(connection, {"serverContent": {"interrupted": True}})
            state.heard = 0
            return
        state.heard += size
        if state.heard < INPUT_RATE * 2 * self.speech_ms // 1000:
            return
        state.heard = 0
        turn = self._next("speech")
        if turn is None:
            return
        await self._send(connection, {"serverContent": {"inputTranscription": {"text": turn.user}}})
        self._start(connection, state, turn)

    def _next(self, trigger: str) -> LiveTurn | None:
        for i, turn in enumerate(self.turns):
            if turn.trigger == trigger:
                return self.turns.pop(i)
        return None

    def _start(self, connection: LiveConnection, state: _LiveState, turn: LiveTurn) -> None:
        state.responding = asyncio.create_task(self._respond(connection, turn))

    async def _respond(self, connection: LiveConnection, turn: LiveTurn) -> None:
        if turn.tool_call is not None:
            name, args, call_id = turn.tool_call
            await self._send(
                connection,
                {"toolCall": {"functionCalls": [{"id": call_id, "name": name, "args": args}]}},
            )
            return
        audio = tone(turn.reply_ms, OUTPUT_RATE)
        step = OUTPUT_RATE * 2 * turn.chunk_ms // 1000
        words = turn.reply.split(" ")
        for n, start in enumerate(range(0, len(audio), step)):
            content: dict[str, Any] = {
                "modelTurn": {
                    "parts": [
                        {
                            "inlineData": {
                                "mimeType": f"audio/pcm;rate={OUTPUT_RATE}",
                                "data": base64.b64encode(audio[start : start + step]).decode(),
                            }
                        }
                    ]
                }
            }
            if n < len(words):
                content["outputTranscription"] = {"text": (" " if n else "") + words[n]}
            await self._send(connection, {"serverContent": content})
            if turn.chunk_delay:
                await asyncio.sleep(turn.chunk_delay)
        rest = words[len(range(0, len(audio), step)) :]
        if rest:
            await self._send(
                connection,
                {"serverContent": {"outputTranscription": {"text": " " + " ".join(rest)}}},
            )
        await self._send(connection, {"serverContent": {"generationComplete": True}})
        await self._send(connection, {"serverContent": {"turnComplete": True}})

    async def _send(self, connection: LiveConnection, message: dict[str, Any]) -> None:
        if connection.ws is None or connection.ws.closed:
            return
        try:
            await connection.ws.send_str(json.dumps(message))
        except ConnectionError:
            pass


@dataclass
class _LiveState:
    heard: int = 0
    responding: asyncio.Task[None] | None = None


#: values below these keys are user data (tool arguments, results, schemas): left as sent
_OPAQUE = frozenset(
    {"response", "args", "parameters", "parametersJsonSchema", "responseJsonSchema"}
)


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel(value: Any) -> Any:
    """Protocol keys in their camelCase spelling (protobuf JSON accepts snake_case as well, and
    the SDK sends some frames that way)."""
    if isinstance(value, list):
        return [_camel(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = _camel_key(key)
        out[name] = item if name in _OPAQUE else _camel(item)
    return out


def _loads(raw: Any) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError):
        return {}
    return _camel(data) if isinstance(data, dict) else {}
