"""WebSocketRealtimeTransport: a WebSocket server carrying one caller's audio per connection.

``kit.join`` opens a session; the caller's client then connects to
``ws://HOST:PORT/sessions/<session_id>`` (``transport.url_for(session)``). On the wire:

* client -> server: binary frames of PCM16 mono at the transport's ``sample_rate``, or text
  frames ``{"type": "audio", "audio": "<base64>"}``; ``{"type": "ping"}`` is answered;
* server -> client: ``{"type": "session", ...}`` on connect, binary frames of the model's
  speech, ``{"type": "transcript", "role", "text", "final"}``, ``{"type": "clear"}`` when the
  caller barges in (drop what is buffered for playback), ``{"type": "error", "message"}``
  for a frame that was refused.

A malformed frame is answered with an error and dropped; the call goes on. A client that
goes away ends its session (``on_session_lost``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from roomkit.domain.voice import (
    SUPPORTED_SAMPLE_RATES,
    AudioFrame,
    VoiceSession,
    VoiceSessionState,
)
from roomkit.ports.realtime_voice import RealtimeAudioTransport
from roomkit.ports.voice import AudioCallback, SessionCallback

log = logging.getLogger("roomkit.websocket")

UNKNOWN_SESSION = 4404
ALREADY_CONNECTED = 4409
SESSION_ENDED = 4000


class WebSocketRealtimeTransport(RealtimeAudioTransport):
    """``WebSocketRealtimeTransport(host="0.0.0.0", port=8765)``; ``port=0`` picks a free port
    (read it from ``transport.port`` after ``await transport.start()``)."""

    name = "websocket"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8765,
        *,
        sample_rate: int = 16000,
        max_frame_bytes: int = 64_000,
    ) -> None:
        if sample_rate not in SUPPORTED_SAMPLE_RATES:
            raise ValueError(f"unsupported sample rate {sample_rate} Hz")
        self.host = host
        self._port = port
        self.sample_rate = sample_rate
        self.max_frame_bytes = max_frame_bytes
        self.sessions: dict[str, VoiceSession] = {}
        self.clients: dict[str, ServerConnection] = {}
        self.frames_refused = 0
        self.audio_unsent = 0  # model audio for a session with no client connected
        self._connected: dict[str, asyncio.Event] = {}
        self._audio_callbacks: list[AudioCallback] = []
        self._lost_callbacks: list[SessionCallback] = []
        self._server: Server | None = None
        self._starting = asyncio.Lock()

    # the server --------------------------------------------------------------------------
    async def start(self) -> None:
        async with self._starting:
            if self._server is None:
                # PCM barely compresses: permessage-deflate would cost CPU on every frame
                self._server = await serve(
                    self._handle,
                    self.host,
                    self._port,
                    max_size=self.max_frame_bytes,
                    compression=None,
                )

    @property
    def port(self) -> int:
        if self._server is None:
            return self._port
        sockets = list(self._server.sockets)
        return int(sockets[0].getsockname()[1]) if sockets else self._port

    def url_for(self, session: VoiceSession) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"ws://{host}:{self.port}/sessions/{session.id}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    # the port ----------------------------------------------------------------------------
    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        await self.start()
        session = VoiceSession(
            room_id=room_id,
            participant_id=participant_id,
            channel_id=channel_id,
            sample_rate=self.sample_rate,
            metadata=dict(metadata or {}),
        )
        self.sessions[session.id] = session
        self._connected[session.id] = asyncio.Event()
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        self.sessions.pop(session.id, None)
        self._connected.pop(session.id, None)
        client = self.clients.pop(session.id, None)
        if client is not None:
            await client.close(SESSION_ENDED, "session ended")

    async def wait_for_client(self, session: VoiceSession, within: float = 30.0) -> None:
        """Wait until the session's client has connected (TimeoutError after ``within`` s)."""
        event = self._connected.get(session.id)
        if event is None:
            raise LookupError(f"no open session {session.id!r}")
        await asyncio.wait_for(event.wait(), within)

    def on_audio_received(self, callback: AudioCallback) -> None:
        self._audio_callbacks.append(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost_callbacks.append(callback)

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        client = self.clients.get(session.id)
        if client is None:
            self.audio_unsent += 1
            return
        try:
            await client.send(bytes(frame.data))
        except ConnectionClosed:
            self.audio_unsent += 1

    async def cancel_audio(self, session: VoiceSession) -> bool:
        return await self._send_json(session, {"type": "clear"})

    async def send_message(self, session: VoiceSession, message: dict[str, Any]) -> None:
        await self._send_json(session, message)

    async def _send_json(self, session: VoiceSession, message: dict[str, Any]) -> bool:
        client = self.clients.get(session.id)
        if client is None:
            return False
        try:
            await client.send(json.dumps(message))
        except ConnectionClosed:
            return False
        return True

    # one client --------------------------------------------------------------------------
    async def _handle(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request is not None else ""
        session_id = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        session = self.sessions.get(session_id)
        if session is None:
            await ws.close(UNKNOWN_SESSION, "unknown session: join the room first")
            return
        if session_id in self.clients:
            await ws.close(ALREADY_CONNECTED, "this session already has a client")
            return
        self.clients[session_id] = ws
        self._connected[session_id].set()
        await ws.send(
            json.dumps(
                {
                    "type": "session",
                    "session_id": session.id,
                    "room_id": session.room_id,
                    "sample_rate": self.sample_rate,
                    "encoding": "pcm_s16le",
                }
            )
        )
        try:
            async for message in ws:
                await self._on_message(session, ws, message)
        except ConnectionClosed:
            pass
        finally:
            if self.clients.get(session_id) is ws:
                del self.clients[session_id]
                if session_id in self.sessions:  # the caller left; not a disconnect() of ours
                    self.sessions.pop(session_id, None)
                    self._connected.pop(session_id, None)
                    ended = session.model_copy(update={"state": VoiceSessionState.ENDED})
                    for callback in self._lost_callbacks:
                        callback(ended)

    async def _on_message(
        self, session: VoiceSession, ws: ServerConnection, message: str | bytes
    ) -> None:
        if isinstance(message, bytes):
            audio = message
        else:
            decoded = await self._text_frame(ws, message)
            if decoded is None:
                return
            audio = decoded
        if len(audio) % 2:
            await self._refuse(ws, f"{len(audio)} bytes is not whole 16-bit samples")
            return
        if not audio:
            return
        frame = AudioFrame(audio, self.sample_rate)
        for callback in self._audio_callbacks:
            callback(session, frame)

    async def _text_frame(self, ws: ServerConnection, text: str) -> bytes | None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            await self._refuse(ws, f"text frame is not JSON: {exc.msg}")
            return None
        kind = data.get("type") if isinstance(data, dict) else None
        if kind == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            return None
        if kind != "audio":
            await self._refuse(ws, f"unknown message type {kind!r}; send audio or ping")
            return None
        try:
            return base64.b64decode(data.get("audio", ""), validate=True)
        except (binascii.Error, ValueError):
            await self._refuse(ws, "audio is not base64")
            return None

    async def _refuse(self, ws: ServerConnection, why: str) -> None:
        self.frames_refused += 1
        log.info("refused a client frame: %s", why)
        try:
            await ws.send(json.dumps({"type": "error", "message": why}))
        except ConnectionClosed:
            pass
