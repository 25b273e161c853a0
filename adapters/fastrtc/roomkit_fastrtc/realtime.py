"""FastRTCRealtimeTransport: a browser's WebRTC call as the caller side of a realtime channel.

The same peer connection as ``FastRTCVoiceBackend`` (``kit.join`` makes it, the web app hands
the browser's SDP offer to ``await transport.answer(session, offer_sdp)``), tuned for a
speech-to-speech model:

* both ways run at the transport's ``sample_rate``, by default the model's 24 kHz: the
  browser's 48 kHz Opus is converted in libswresample on the way in, and the Opus encoder
  converts the model's audio on the way out, so no frame is resampled in Python;
* the model's audio is queued, not paced: a model streams faster than real time, and waiting
  for playback would hold up its transcripts and barge-in events behind the audio. The reply
  track plays the queue in real time; ``cancel_audio`` empties it (barge-in);
* transcripts and errors go to the browser as JSON text on a data channel the browser opened
  (any label; ``"events"`` by convention). Without one they are counted and dropped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiortc import RTCDataChannel

from roomkit.domain.voice import SUPPORTED_SAMPLE_RATES, AudioFrame, VoiceSession
from roomkit.ports.realtime_voice import RealtimeAudioTransport
from roomkit_fastrtc.backend import Call, FastRTCVoiceBackend
from roomkit_fastrtc.tracks import ReplyTrack

log = logging.getLogger("roomkit.fastrtc")


class FastRTCRealtimeTransport(FastRTCVoiceBackend, RealtimeAudioTransport):
    """``FastRTCRealtimeTransport(sample_rate=24000)``; ``max_buffer_seconds`` bounds the model
    audio queued for playback per call (beyond it new audio is dropped and counted)."""

    name = "fastrtc"

    def __init__(
        self,
        *,
        sample_rate: int = 24000,
        ice_servers: list[str] | None = None,
        max_buffer_seconds: float = 300.0,
    ) -> None:
        if sample_rate not in SUPPORTED_SAMPLE_RATES or sample_rate % 50:
            raise ValueError(
                f"unsupported sample rate {sample_rate} Hz: use one of "
                f"{sorted(r for r in SUPPORTED_SAMPLE_RATES if r % 50 == 0)}"
            )
        if max_buffer_seconds <= 0:
            raise ValueError("max_buffer_seconds must be positive")
        super().__init__(sample_rate=sample_rate, ice_servers=ice_servers)
        self.max_buffer_seconds = max_buffer_seconds
        self.audio_dropped = 0  # model audio beyond max_buffer_seconds, or for a call gone
        self.messages_unsent = 0  # text for a call without an open data channel
        self._channels: dict[str, RTCDataChannel] = {}

    def _reply_track(self) -> ReplyTrack:
        return ReplyTrack(self.sample_rate)

    def _prepare(self, call: Call) -> None:
        session_id = call.session.id

        @call.pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            self._channels[session_id] = channel

    def data_channel(self, session: VoiceSession) -> RTCDataChannel | None:
        """The data channel the browser opened for ``session``, if any."""
        return self._channels.get(session.id)

    async def disconnect(self, session: VoiceSession) -> None:
        self._channels.pop(session.id, None)
        await super().disconnect(session)

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        call = self._calls.get(session.id)
        if call is None or call.reply.queued_seconds >= self.max_buffer_seconds:
            self.audio_dropped += 1
            return
        if frame.sample_rate != call.reply.rate:
            raise ValueError(
                f"audio at {frame.sample_rate} Hz for a call at {call.reply.rate} Hz; "
                "the realtime channel converts to the session's sample_rate"
            )
        call.reply.push(bytes(frame.data))

    async def send_message(self, session: VoiceSession, message: dict[str, Any]) -> None:
        channel = self._channels.get(session.id)
        if channel is None or channel.readyState != "open":
            self.messages_unsent += 1
            return
        channel.send(json.dumps(message))
