"""OpenAI Realtime (and xAI's compatible API) as a RealtimeVoiceProvider, on the openai SDK's
realtime client.

One SDK connection per session. Server events are read as raw JSON (the GA names and the
older beta names are both understood, which is what lets xAI's server use the same code) and
turned into ``RealtimeEvent``s; a connection that closes without ``disconnect`` being called
is reported as ``DISCONNECTED``. ``resume`` opens a new connection and replays the room's
history as conversation items, since the API keeps no conversation across connections.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from dataclasses import dataclass
from typing import Any

from roomkit.domain.realtime_voice import (
    RealtimeEvent,
    RealtimeEventType,
    RealtimeSessionConfig,
    Role,
)
from roomkit.domain.voice import VoiceSession
from roomkit.ports.realtime_voice import RealtimeEmit, RealtimeVoiceProvider
from roomkit_openai.config import OpenAIRealtimeConfig, XAIRealtimeConfig

log = logging.getLogger("roomkit.openai.realtime")

AUDIO_DELTA = frozenset({"response.output_audio.delta", "response.audio.delta"})
TRANSCRIPT_DONE = frozenset(
    {"response.output_audio_transcript.done", "response.audio_transcript.done"}
)
TRANSCRIPT_DELTA = frozenset(
    {"response.output_audio_transcript.delta", "response.audio_transcript.delta"}
)
USER_TRANSCRIPT = "conversation.item.input_audio_transcription.completed"


@dataclass
class _Connection:
    manager: Any
    conn: Any
    reader: asyncio.Task[None] | None = None
    closing: bool = False


class OpenAIRealtimeProvider(RealtimeVoiceProvider):
    """``OpenAIRealtimeProvider(api_key="sk-...", model="gpt-4o-realtime-preview")`` or
    ``OpenAIRealtimeProvider(OpenAIRealtimeConfig(...))``; ``base_url`` is the WebSocket base
    (``wss://api.openai.com/v1`` by default; ``ws://127.0.0.1:PORT/v1`` for a local server)."""

    name = "openai-realtime"
    input_sample_rate = 24000
    output_sample_rate = 24000
    config_class: type[OpenAIRealtimeConfig] = OpenAIRealtimeConfig
    #: GA sessions carry ``"type": "realtime"``; xAI's server does not take it
    session_type: str | None = "realtime"

    def __init__(
        self,
        config: OpenAIRealtimeConfig | None = None,
        *,
        client: Any = None,
        **settings: Any,
    ) -> None:
        if config is None:
            config = self.config_class(**settings)
        elif settings:
            config = config.model_copy(update=settings)
        self.config = config
        self._client = client
        self._connections: dict[str, _Connection] = {}

    @property
    def client(self) -> Any:
        if self._client is None:
            from openai import AsyncOpenAI

            ws_base = self.config.base_url
            http_base = None
            if ws_base is not None:
                http_base = ws_base.replace("wss://", "https://", 1).replace("ws://", "http://", 1)
            self._client = AsyncOpenAI(
                api_key=self.config.api_key,
                base_url=http_base,
                websocket_base_url=ws_base,
                max_retries=0,
            )
        return self._client

    # the port ----------------------------------------------------------------------------
    async def connect(
        self, session: VoiceSession, config: RealtimeSessionConfig, emit: RealtimeEmit
    ) -> None:
        await self.disconnect(session)
        manager = self.client.realtime.connect(
            model=self.config.model, extra_headers=dict(self.config.extra_headers)
        )
        conn = await asyncio.wait_for(manager.enter(), self.config.connect_timeout)
        entry = _Connection(manager, conn)
        try:
            first = json.loads(
                await asyncio.wait_for(conn.recv_bytes(), self.config.connect_timeout)
            )
            if first.get("type") == "error":
                raise ConnectionError(f"{self.name} refused the session: {_error_text(first)}")
            await self._send(
                conn, {"type": "session.update", "session": self.session_payload(config)}
            )
            for item in config.history:
                await self._send(conn, _message_item(item.role, item.text))
        except BaseException:
            await conn.close()
            raise
        self._connections[session.id] = entry
        entry.reader = asyncio.create_task(
            self._read(session, entry, emit), name=f"{self.name}-reader-{session.id}"
        )

    async def send_audio(self, session: VoiceSession, audio: bytes) -> None:
        conn = self._require(session).conn
        encoded = base64.b64encode(audio).decode("ascii")
        payload = f'{{"type":"input_audio_buffer.append","audio":"{encoded}"}}'
        await conn.send_raw(payload)

    async def send_text(
        self, session: VoiceSession, text: str, *, role: Role = "user", respond: bool = True
    ) -> None:
        conn = self._require(session).conn
        await self._send(conn, _message_item(role, text))
        if respond:
            await self._send(conn, {"type": "response.create"})

    async def send_tool_result(
        self, session: VoiceSession, call_id: str, name: str, result: str
    ) -> None:
        conn = self._require(session).conn
        await self._send(
            conn,
            {
                "type": "conversation.item.create",
                "item": {"type": "function_call_output", "call_id": call_id, "output": result},
            },
        )
        await self._send(conn, {"type": "response.create"})

    async def cancel_response(self, session: VoiceSession) -> None:
        await self._send(self._require(session).conn, {"type": "response.cancel"})

    async def disconnect(self, session: VoiceSession) -> None:
        await self._drop(session.id)

    async def _drop(self, session_id: str) -> None:
        entry = self._connections.pop(session_id, None)
        if entry is None:
            return
        entry.closing = True
        try:
            await entry.conn.close()
        except Exception as exc:  # already gone
            log.debug("closing %s connection: %s", self.name, exc)
        if entry.reader is not None and entry.reader is not asyncio.current_task():
            entry.reader.cancel()
            await asyncio.gather(entry.reader, return_exceptions=True)

    def is_connected(self, session: VoiceSession) -> bool:
        return session.id in self._connections

    async def close(self) -> None:
        for session_id in list(self._connections):
            await self._drop(session_id)
        if self._client is not None:
            await self._client.close()

    # payloads ----------------------------------------------------------------------------
    def session_payload(self, config: RealtimeSessionConfig) -> dict[str, Any]:
        audio_format = {"type": "audio/pcm", "rate": self.input_sample_rate}
        turn_detection: dict[str, Any] | None = {"type": "server_vad"}
        vad = config.vad
        if vad is not None:
            if not vad.enabled:
                turn_detection = None
            else:
                assert turn_detection is not None
                for key in ("threshold", "silence_duration_ms", "prefix_padding_ms"):
                    value = getattr(vad, key)
                    if value is not None:
                        turn_detection[key] = value
        payload: dict[str, Any] = {
            "output_modalities": ["audio"],
            "audio": {
                "input": {
                    "format": audio_format,
                    "transcription": {"model": self.config.transcription_model},
                    "turn_detection": turn_detection,
                },
                "output": {
                    "format": {"type": "audio/pcm", "rate": self.output_sample_rate},
                    "voice": config.voice or self.config.voice,
                },
            },
        }
        if self.session_type is not None:
            payload["type"] = self.session_type
        if config.system_prompt:
            payload["instructions"] = config.system_prompt
        if config.tools:
            payload["tools"] = [
                {
                    "type": "function",
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters,
                }
                for t in config.tools
            ]
            payload["tool_choice"] = "auto"
        payload.update(config.provider_config)
        return payload

    # reading -----------------------------------------------------------------------------
    async def _read(self, session: VoiceSession, entry: _Connection, emit: RealtimeEmit) -> None:
        why = "the server closed the connection"
        try:
            while True:
                raw = await entry.conn.recv_bytes()
                try:
                    event = json.loads(raw)
                except json.JSONDecodeError:
                    emit(_error_event("bad_event", f"{self.name} sent a frame that is not JSON"))
                    continue
                for out in self._translate(event):
                    emit(out)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}"
        if entry.closing:
            return
        if self._connections.get(session.id) is entry:
            del self._connections[session.id]
        emit(RealtimeEvent(RealtimeEventType.DISCONNECTED, message=why))

    def _translate(self, event: dict[str, Any]) -> list[RealtimeEvent]:
        kind = event.get("type", "")
        if kind in AUDIO_DELTA:
            try:
                audio = base64.b64decode(event.get("delta", ""))
            except ValueError:
                return [_error_event("bad_audio", f"{self.name} sent audio that is not base64")]
            return [
                RealtimeEvent(
                    RealtimeEventType.AUDIO, audio=audio, response_id=event.get("response_id", "")
                )
            ]
        if kind in TRANSCRIPT_DONE:
            return [
                RealtimeEvent(
                    RealtimeEventType.TRANSCRIPT, role="assistant", text=event.get("transcript", "")
                )
            ]
        if kind in TRANSCRIPT_DELTA:
            return [
                RealtimeEvent(
                    RealtimeEventType.TRANSCRIPT,
                    role="assistant",
                    text=event.get("delta", ""),
                    final=False,
                )
            ]
        if kind == USER_TRANSCRIPT:
            return [
                RealtimeEvent(
                    RealtimeEventType.TRANSCRIPT, role="user", text=event.get("transcript", "")
                )
            ]
        if kind == "input_audio_buffer.speech_started":
            return [RealtimeEvent(RealtimeEventType.SPEECH_STARTED)]
        if kind == "input_audio_buffer.speech_stopped":
            return [RealtimeEvent(RealtimeEventType.SPEECH_STOPPED)]
        if kind == "response.created":
            rid = (event.get("response") or {}).get("id", "")
            return [RealtimeEvent(RealtimeEventType.RESPONSE_STARTED, response_id=rid)]
        if kind == "response.done":
            response = event.get("response") or {}
            return [
                RealtimeEvent(
                    RealtimeEventType.RESPONSE_DONE,
                    response_id=response.get("id", ""),
                    message=response.get("status", ""),
                )
            ]
        if kind == "response.function_call_arguments.done":
            raw = event.get("arguments") or "{}"
            try:
                arguments = json.loads(raw)
                if not isinstance(arguments, dict):
                    raise ValueError("not an object")
            except ValueError:
                return [
                    _error_event(
                        "bad_tool_arguments",
                        f"tool call {event.get('name')!r} came with arguments that are not a "
                        f"JSON object: {raw[:200]!r}",
                    ),
                    RealtimeEvent(
                        RealtimeEventType.TOOL_CALL,
                        call_id=event.get("call_id", ""),
                        name=event.get("name", ""),
                        arguments={"_invalid_arguments": raw},
                    ),
                ]
            return [
                RealtimeEvent(
                    RealtimeEventType.TOOL_CALL,
                    call_id=event.get("call_id", ""),
                    name=event.get("name", ""),
                    arguments=arguments,
                )
            ]
        if kind == "error":
            error = event.get("error") or {}
            return [
                _error_event(
                    str(error.get("code") or error.get("type") or "error"),
                    str(error.get("message", "")),
                )
            ]
        return []

    # helpers -----------------------------------------------------------------------------
    def _require(self, session: VoiceSession) -> _Connection:
        entry = self._connections.get(session.id)
        if entry is None:
            raise ConnectionError(f"{self.name}: session {session.id} is not connected")
        return entry

    @staticmethod
    async def _send(conn: Any, event: dict[str, Any]) -> None:
        await conn.send_raw(json.dumps(event))


class XAIRealtimeProvider(OpenAIRealtimeProvider):
    """xAI's Grok Voice Agent API speaks the OpenAI Realtime events with its own session shape
    (voice and turn detection at the top, no ``type``): ``XAIRealtimeProvider(XAIConfig(...))``."""

    name = "xai-realtime"
    config_class = XAIRealtimeConfig
    session_type = None

    def session_payload(self, config: RealtimeSessionConfig) -> dict[str, Any]:
        shaped = super().session_payload(config)
        audio = shaped.pop("audio")
        shaped.pop("output_modalities", None)
        shaped["voice"] = audio["output"]["voice"]
        shaped["turn_detection"] = audio["input"]["turn_detection"]
        shaped["audio"] = {
            "input": {"format": audio["input"]["format"]},
            "output": {"format": audio["output"]["format"]},
        }
        shaped.update(config.provider_config)
        return shaped


def _message_item(role: Role, text: str) -> dict[str, Any]:
    part = "input_text" if role == "user" else "output_text"
    return {
        "type": "conversation.item.create",
        "item": {"type": "message", "role": role, "content": [{"type": part, "text": text}]},
    }


def _error_event(code: str, message: str) -> RealtimeEvent:
    return RealtimeEvent(RealtimeEventType.ERROR, code=code, message=message)


def _error_text(event: dict[str, Any]) -> str:
    error = event.get("error") or {}
    return f"{error.get('code') or error.get('type')}: {error.get('message')}"
