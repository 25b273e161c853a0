"""TwilioMediaStreamsBackend: a WebSocket server that Twilio's ``<Connect><Stream>`` calls.

Twilio opens one WebSocket per call and sends ``connected``, ``start`` (ids and the custom
parameters of the TwiML), ``media`` (base64 mu-law at 8 kHz, 20 ms a message), ``dtmf``,
``mark`` (audio we sent has played up to that point) and ``stop``. A stream becomes a voice
session in one of two ways:

* ``kit.join(..., metadata={"twilio_stream_sid": sid})`` after ``on_stream_started`` reported it;
* ``kit.join(...)`` first: the session's metadata carries ``twilio_parameter`` (a
  ``roomkit_session`` ``<Parameter>`` for the TwiML) and the stream binds when it starts.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from roomkit.domain.voice import (
    AudioFrame,
    DTMFEvent,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
)
from roomkit.ports.voice import AudioCallback, DTMFCallback, SessionCallback, VoiceBackend
from roomkit_rtp.g711 import ulaw_decode
from roomkit_twilio_media.signature import signature_is_valid
from roomkit_twilio_media.stream import WIRE_RATE, StreamConnection, TwilioStream

log = logging.getLogger("roomkit.twilio_media")

SESSION_PARAMETER = "roomkit_session"
StreamCallback = Callable[[TwilioStream], Awaitable[None] | None]


class TwilioMediaStreamsBackend(VoiceBackend):
    """Serve Twilio Media Streams on ``host:port`` at ``path``.

    With ``auth_token`` and ``public_url`` (the ``wss://`` URL Twilio is given), every upgrade
    must carry a valid ``X-Twilio-Signature``; others are refused with 403 before any audio.
    """

    name = "twilio-media"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/media",
        auth_token: str | None = None,
        public_url: str | None = None,
    ) -> None:
        if auth_token and not public_url:
            raise ValueError("auth_token needs public_url: Twilio signs the URL it was given")
        self.host = host
        self.port = port
        self.path = path
        self.auth_token = auth_token
        self.public_url = public_url
        self._server: Server | None = None
        self._audio: list[AudioCallback] = []
        self._lost: list[SessionCallback] = []
        self._dtmf: list[DTMFCallback] = []
        self._started: list[StreamCallback] = []
        self._sessions: dict[str, VoiceSession] = {}
        self._by_session: dict[str, StreamConnection] = {}
        self._by_stream: dict[str, StreamConnection] = {}
        self._session_of_stream: dict[str, str] = {}
        self._bound: dict[str, asyncio.Event] = {}
        self.frames_received = 0
        self.frames_unrouted = 0

    @property
    def capabilities(self) -> VoiceCapability:
        return VoiceCapability.INTERRUPTION | VoiceCapability.BARGE_IN

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}{self.path}"

    # lifecycle ---------------------------------------------------------------------------
    async def start(self) -> TwilioMediaStreamsBackend:
        if self._server is None:
            self._server = await serve(
                self._handle,
                self.host,
                self.port,
                process_request=self._check_request,
                ping_interval=None,
            )
            self.port = next(iter(self._server.sockets)).getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    # callbacks ---------------------------------------------------------------------------
    def on_audio_received(self, callback: AudioCallback) -> None:
        self._audio.append(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost.append(callback)

    def on_dtmf_received(self, callback: DTMFCallback) -> None:
        """Digits Twilio reports (``dtmf`` messages); VoiceChannel turns them into ON_DTMF."""
        self._dtmf.append(callback)

    def on_stream_started(self, callback: StreamCallback) -> None:
        """Called for a stream no session was waiting for: join it to a room from here."""
        self._started.append(callback)

    # sessions ----------------------------------------------------------------------------
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
            sample_rate=WIRE_RATE,
            metadata=dict(metadata or {}),
        )
        meta = session.metadata
        meta["twilio_stream_url"] = self.public_url or self.url
        meta["twilio_parameter"] = {"name": SESSION_PARAMETER, "value": session.id}
        self._sessions[session.id] = session
        self._bound[session.id] = asyncio.Event()
        stream_sid = meta.get("twilio_stream_sid")
        if stream_sid:
            conn = self._by_stream.get(str(stream_sid))
            if conn is None:
                raise ValueError(f"no Twilio stream {stream_sid!r} is open on this backend")
            self._bind(session.id, conn)
        return session

    def _bind(self, session_id: str, conn: StreamConnection) -> None:
        self._by_session[session_id] = conn
        self._session_of_stream[conn.stream.stream_sid] = session_id
        self._sessions[session_id].metadata["twilio_stream_sid"] = conn.stream.stream_sid
        self._sessions[session_id].metadata["twilio_call_sid"] = conn.stream.call_sid
        self._bound[session_id].set()

    async def wait_for_stream(self, session: VoiceSession, within: float = 30.0) -> TwilioStream:
        """Wait until Twilio's stream for ``session`` has started (TimeoutError after
        ``within`` seconds)."""
        async with asyncio.timeout(within):
            await self._bound[session.id].wait()
        return self._by_session[session.id].stream

    async def disconnect(self, session: VoiceSession) -> None:
        self._sessions.pop(session.id, None)
        self._bound.pop(session.id, None)
        conn = self._by_session.pop(session.id, None)
        if conn is not None:
            self._session_of_stream.pop(conn.stream.stream_sid, None)
            with contextlib.suppress(ConnectionClosed):
                await conn.ws.close()

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        conn = self._by_session.get(session.id)
        if conn is None:
            return  # the call has not connected its stream yet, or has ended
        with contextlib.suppress(ConnectionClosed):
            await conn.play(bytes(frame.data), frame.sample_rate)

    async def cancel_audio(self, session: VoiceSession) -> bool:
        conn = self._by_session.get(session.id)
        if conn is None:
            return False
        try:
            return await conn.clear()
        except ConnectionClosed:
            return False

    # the WebSocket -------------------------------------------------------------------------
    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.path.split("?")[0] != self.path:
            return connection.respond(HTTPStatus.NOT_FOUND, f"no media stream at {request.path}\n")
        if self.auth_token and self.public_url:
            signature = request.headers.get("X-Twilio-Signature", "")
            if not signature_is_valid(self.auth_token, self.public_url, signature):
                log.warning("refused a media stream with a bad X-Twilio-Signature")
                return connection.respond(HTTPStatus.FORBIDDEN, "bad X-Twilio-Signature\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        conn: StreamConnection | None = None
        try:
            async for raw in ws:
                message = json.loads(raw)
                event = message.get("event")
                if event == "start":
                    conn = await self._on_start(ws, message)
                elif event == "media" and conn is not None:
                    self._on_media(conn, message)
                elif event == "mark" and conn is not None:
                    conn.pending_marks.discard(str(message.get("mark", {}).get("name", "")))
                elif event == "dtmf" and conn is not None:
                    self._on_dtmf(conn, message)
                elif event == "stop":
                    break
        except (ConnectionClosed, json.JSONDecodeError) as exc:
            log.info("media stream ended: %r", exc)
        finally:
            if conn is not None:
                self._ended(conn)

    async def _on_start(self, ws: ServerConnection, message: dict[str, Any]) -> StreamConnection:
        start = message.get("start", {})
        stream = TwilioStream(
            stream_sid=str(message.get("streamSid") or start.get("streamSid", "")),
            call_sid=str(start.get("callSid", "")),
            account_sid=str(start.get("accountSid", "")),
            custom_parameters={
                str(k): str(v) for k, v in (start.get("customParameters") or {}).items()
            },
            tracks=list(start.get("tracks") or []),
        )
        conn = StreamConnection(ws, stream)
        self._by_stream[stream.stream_sid] = conn
        waiting = stream.custom_parameters.get(SESSION_PARAMETER)
        if waiting and waiting in self._sessions and waiting not in self._by_session:
            self._bind(waiting, conn)
            return conn
        for callback in self._started:
            result = callback(stream)
            if inspect.isawaitable(result):
                await result
        return conn

    def _on_media(self, conn: StreamConnection, message: dict[str, Any]) -> None:
        media = message.get("media", {})
        if media.get("track", "inbound") not in ("inbound", "inbound_track"):
            return
        session_id = self._session_of_stream.get(conn.stream.stream_sid)
        session = self._sessions.get(session_id) if session_id else None
        if session is None:
            self.frames_unrouted += 1
            return
        pcm = ulaw_decode(base64.b64decode(media.get("payload", "")))
        timestamp = media.get("timestamp")
        frame = AudioFrame(
            pcm, WIRE_RATE, timestamp_ms=float(timestamp) if timestamp is not None else None
        )
        self.frames_received += 1
        for callback in self._audio:
            callback(session, frame)

    def _on_dtmf(self, conn: StreamConnection, message: dict[str, Any]) -> None:
        digit = str(message.get("dtmf", {}).get("digit", ""))
        session_id = self._session_of_stream.get(conn.stream.stream_sid)
        session = self._sessions.get(session_id) if session_id else None
        if session is not None and digit:
            event = DTMFEvent(digit=digit)
            for callback in self._dtmf:
                callback(session, event)

    def _ended(self, conn: StreamConnection) -> None:
        self._by_stream.pop(conn.stream.stream_sid, None)
        session_id = self._session_of_stream.pop(conn.stream.stream_sid, None)
        if session_id is None:
            return
        self._by_session.pop(session_id, None)
        session = self._sessions.pop(session_id, None)
        self._bound.pop(session_id, None)
        if session is None:
            return
        ended = session.model_copy(update={"state": VoiceSessionState.ENDED})
        for callback in self._lost:
            callback(ended)
