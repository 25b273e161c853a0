"""Gemini Live as a RealtimeVoiceProvider, on google-genai's ``client.aio.live``.

Gemini streams transcripts in fragments; they are gathered per turn and reported once as a
final transcript (the caller's when the model starts answering, the model's when its turn
completes or is interrupted). The server hands out session resumption handles; ``resume``
reconnects with the latest one, so the model keeps its own memory of the call. Without a
handle the room's history is replayed as conversation turns instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from dataclasses import dataclass, field
from typing import Any

from roomkit.domain.realtime_voice import (
    RealtimeEvent,
    RealtimeEventType,
    RealtimeSessionConfig,
    Role,
)
from roomkit.domain.voice import VoiceSession
from roomkit.ports.realtime_voice import RealtimeEmit, RealtimeVoiceProvider
from roomkit_gemini.config import GeminiLiveConfig

log = logging.getLogger("roomkit.gemini.live")


@dataclass
class _Live:
    manager: Any
    session: Any
    reader: asyncio.Task[None] | None = None
    closing: bool = False
    heard: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    responding: bool = False


class GeminiLiveProvider(RealtimeVoiceProvider):
    """``GeminiLiveProvider(api_key="...", model="gemini-2.0-flash-live-001")``; ``base_url``
    is the server's WebSocket base (``wss://generativelanguage.googleapis.com`` by default).
    ``ssl_context`` trusts a private certificate (a proxy, a test server)."""

    name = "gemini-live"
    input_sample_rate = 16000
    output_sample_rate = 24000

    def __init__(
        self,
        config: GeminiLiveConfig | None = None,
        *,
        client: Any = None,
        ssl_context: ssl.SSLContext | None = None,
        **settings: Any,
    ) -> None:
        if config is None:
            config = GeminiLiveConfig(**settings)
        elif settings:
            config = config.model_copy(update=settings)
        self.config = config
        self._ssl = ssl_context
        self._client = client
        self._live: dict[str, _Live] = {}
        self.handles: dict[str, str] = {}

    @property
    def client(self) -> Any:
        if self._client is None:
            from google import genai
            from google.genai import types

            options: dict[str, Any] = {"api_version": self.config.api_version}
            if self.config.base_url is not None:
                url = self.config.base_url
                options["base_url"] = url.replace("wss://", "https://", 1).replace(
                    "ws://", "http://", 1
                )
            if self._ssl is not None:
                options["async_client_args"] = {"ssl": self._ssl}
            self._client = genai.Client(
                api_key=self.config.api_key, http_options=types.HttpOptions(**options)
            )
        return self._client

    # the port ----------------------------------------------------------------------------
    async def connect(
        self, session: VoiceSession, config: RealtimeSessionConfig, emit: RealtimeEmit
    ) -> None:
        await self._open(session, config, emit, handle=None)

    async def resume(
        self, session: VoiceSession, config: RealtimeSessionConfig, emit: RealtimeEmit
    ) -> None:
        handle = self.handles.get(session.id)
        if handle is not None:
            try:
                await self._open(
                    session, config.model_copy(update={"history": []}), emit, handle=handle
                )
                return
            except Exception as exc:  # the handle expired: start over with the history
                log.info("resumption handle refused (%s); replaying the history", exc)
                self.handles.pop(session.id, None)
        await self._open(session, config, emit, handle=None)

    async def _open(
        self,
        session: VoiceSession,
        config: RealtimeSessionConfig,
        emit: RealtimeEmit,
        handle: str | None,
    ) -> None:
        await self._drop(session.id)
        from google.genai import types

        manager = self.client.aio.live.connect(
            model=self.config.model, config=self.connect_config(config, handle)
        )
        live_session = await asyncio.wait_for(manager.__aenter__(), self.config.connect_timeout)
        entry = _Live(manager, live_session)
        try:
            if config.history:
                await live_session.send_client_content(
                    turns=[
                        types.Content(
                            role="user" if item.role == "user" else "model",
                            parts=[types.Part(text=item.text)],
                        )
                        for item in config.history
                    ],
                    turn_complete=False,
                )
        except BaseException:
            await manager.__aexit__(None, None, None)
            raise
        self._live[session.id] = entry
        entry.reader = asyncio.create_task(
            self._read(session, entry, emit), name=f"gemini-live-reader-{session.id}"
        )

    async def send_audio(self, session: VoiceSession, audio: bytes) -> None:
        from google.genai import types

        live = self._require(session).session
        await live.send_realtime_input(
            audio=types.Blob(data=audio, mime_type=f"audio/pcm;rate={self.input_sample_rate}")
        )

    async def send_text(
        self, session: VoiceSession, text: str, *, role: Role = "user", respond: bool = True
    ) -> None:
        from google.genai import types

        live = self._require(session).session
        await live.send_client_content(
            turns=types.Content(
                role="user" if role == "user" else "model", parts=[types.Part(text=text)]
            ),
            turn_complete=respond,
        )

    async def send_tool_result(
        self, session: VoiceSession, call_id: str, name: str, result: str
    ) -> None:
        from google.genai import types

        try:
            response = json.loads(result)
        except ValueError:
            response = None
        if not isinstance(response, dict):
            response = {"result": result}
        live = self._require(session).session
        await live.send_tool_response(
            function_responses=[types.FunctionResponse(id=call_id, name=name, response=response)]
        )

    async def disconnect(self, session: VoiceSession) -> None:
        self.handles.pop(session.id, None)
        await self._drop(session.id)

    async def _drop(self, session_id: str) -> None:
        entry = self._live.pop(session_id, None)
        if entry is None:
            return
        entry.closing = True
        if entry.reader is not None and entry.reader is not asyncio.current_task():
            entry.reader.cancel()
            await asyncio.gather(entry.reader, return_exceptions=True)
        try:
            await entry.manager.__aexit__(None, None, None)
        except Exception as exc:
            log.debug("closing a Gemini Live connection: %s", exc)

    def is_connected(self, session: VoiceSession) -> bool:
        return session.id in self._live

    async def close(self) -> None:
        for session_id in list(self._live):
            await self._drop(session_id)
        self.handles.clear()

    # configuration -----------------------------------------------------------------------
    def connect_config(self, config: RealtimeSessionConfig, handle: str | None) -> Any:
        from google.genai import types

        options: dict[str, Any] = {
            "response_modalities": [types.Modality.AUDIO],
            "input_audio_transcription": types.AudioTranscriptionConfig(),
            "output_audio_transcription": types.AudioTranscriptionConfig(),
            "session_resumption": types.SessionResumptionConfig(handle=handle),
        }
        if config.system_prompt:
            options["system_instruction"] = config.system_prompt
        voice = config.voice or self.config.voice
        if voice:
            options["speech_config"] = types.SpeechConfig(
                voice_config=types.VoiceConfig(
                    prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=voice)
                )
            )
        if config.temperature is not None:
            options["temperature"] = config.temperature
        if config.tools:
            options["tools"] = [
                types.Tool(
                    function_declarations=[
                        types.FunctionDeclaration(
                            name=t.name,
                            description=t.description,
                            parameters_json_schema=t.parameters,
                        )
                        for t in config.tools
                    ]
                )
            ]
        vad = config.vad
        if vad is not None:
            detection: dict[str, Any] = {"disabled": not vad.enabled}
            if vad.silence_duration_ms is not None:
                detection["silence_duration_ms"] = vad.silence_duration_ms
            if vad.prefix_padding_ms is not None:
                detection["prefix_padding_ms"] = vad.prefix_padding_ms
            if vad.threshold is not None:  # Gemini takes a sensitivity, not a threshold
                detection["start_of_speech_sensitivity"] = (
                    types.StartSensitivity.START_SENSITIVITY_LOW
                    if vad.threshold >= 0.5
                    else types.StartSensitivity.START_SENSITIVITY_HIGH
                )
            options["realtime_input_config"] = types.RealtimeInputConfig(
                automatic_activity_detection=types.AutomaticActivityDetection(**detection)
            )
        options.update(config.provider_config)
        return types.LiveConnectConfig(**options)

    # reading -----------------------------------------------------------------------------
    async def _read(self, session: VoiceSession, entry: _Live, emit: RealtimeEmit) -> None:
        why = "the server closed the connection"
        try:
            while True:
                async for message in entry.session.receive():
                    for event in self._translate(session, entry, message):
                        emit(event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}"
        if entry.closing:
            return
        if self._live.get(session.id) is entry:
            del self._live[session.id]
        emit(RealtimeEvent(RealtimeEventType.DISCONNECTED, message=why))

    def _translate(self, session: VoiceSession, entry: _Live, message: Any) -> list[RealtimeEvent]:
        out: list[RealtimeEvent] = []
        update = message.session_resumption_update
        if update is not None and update.resumable and update.new_handle:
            self.handles[session.id] = update.new_handle
        calls = message.tool_call.function_calls if message.tool_call is not None else None
        if calls:
            out += self._finish_user_turn(entry)
        for call in calls or []:
            out.append(
                RealtimeEvent(
                    RealtimeEventType.TOOL_CALL,
                    call_id=call.id or call.name or "",
                    name=call.name or "",
                    arguments=dict(call.args or {}),
                )
            )
        content = message.server_content
        if content is None:
            return out
        if content.input_transcription is not None and content.input_transcription.text:
            entry.heard.append(content.input_transcription.text)
        if content.interrupted:
            out += self._finish_model_turn(entry)
            out.append(RealtimeEvent(RealtimeEventType.INTERRUPTED))
            return out
        parts = content.model_turn.parts if content.model_turn is not None else None
        audio = [
            p.inline_data.data
            for p in parts or []
            if p.inline_data is not None and p.inline_data.data
        ]
        said = content.output_transcription.text if content.output_transcription else None
        if (audio or said) and not entry.responding:
            out += self._finish_user_turn(entry)
            entry.responding = True
            out.append(RealtimeEvent(RealtimeEventType.RESPONSE_STARTED))
        out += [RealtimeEvent(RealtimeEventType.AUDIO, audio=chunk) for chunk in audio]
        if said:
            entry.said.append(said)
            out.append(
                RealtimeEvent(
                    RealtimeEventType.TRANSCRIPT, role="assistant", text=said, final=False
                )
            )
        if content.turn_complete:
            out += self._finish_user_turn(entry)
            out += self._finish_model_turn(entry)
        return out

    @staticmethod
    def _finish_user_turn(entry: _Live) -> list[RealtimeEvent]:
        if not entry.heard:
            return []
        text = "".join(entry.heard).strip()
        entry.heard.clear()
        return [RealtimeEvent(RealtimeEventType.TRANSCRIPT, role="user", text=text)]

    @staticmethod
    def _finish_model_turn(entry: _Live) -> list[RealtimeEvent]:
        out: list[RealtimeEvent] = []
        if entry.said:
            text = "".join(entry.said).strip()
            entry.said.clear()
            out.append(RealtimeEvent(RealtimeEventType.TRANSCRIPT, role="assistant", text=text))
        if entry.responding:
            entry.responding = False
            out.append(RealtimeEvent(RealtimeEventType.RESPONSE_DONE))
        return out

    def _require(self, session: VoiceSession) -> _Live:
        entry = self._live.get(session.id)
        if entry is None:
            raise ConnectionError(f"gemini-live: session {session.id} is not connected")
        return entry
