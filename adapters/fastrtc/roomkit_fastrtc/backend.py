"""FastRTCVoiceBackend: browser voice over WebRTC, on aiortc.

``session = await kit.join(...)`` makes a peer connection for the caller; the web app hands the
browser's SDP offer to ``await backend.answer(session, offer_sdp)`` and returns the answer.
Audio arrives as Opus at 48 kHz and is delivered as mono 16-bit frames at ``sample_rate``;
replies are resampled to 48 kHz and sent on a paced track. When the browser's connection fails
or closes, the session is reported lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.jitterbuffer import JitterBuffer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession, VoiceSessionState
from roomkit.ports.voice import AudioCallback, SessionCallback, VoiceBackend
from roomkit_fastrtc.tracks import InboundReader, ReplyTrack
from roomkit_rtp.resample import resample

log = logging.getLogger("roomkit.fastrtc")
_JITTER_ATTRIBUTE = "_RTCRtpReceiver__jitter_buffer"


class Call:
    """One browser call: its peer connection, the agent's outbound track and the reader."""

    def __init__(self, session: VoiceSession, pc: RTCPeerConnection, reply: ReplyTrack) -> None:
        self.session = session
        self.pc = pc
        self.reply = reply
        self.reader: asyncio.Task[None] | None = None
        self.frames_in = 0


class FastRTCVoiceBackend(VoiceBackend):
    name = "fastrtc"

    def __init__(
        self,
        *,
        sample_rate: int = 48000,
        ice_servers: list[str] | None = None,
        lead_ms: int = 100,
        jitter_buffer_frames: int = 1,
    ) -> None:
        """``jitter_buffer_frames``: how many later 20 ms frames must have arrived before one
        is decoded, so packets that overtook each other are put back in order. aiortc holds 4
        (80 ms of added delay on every frame); 1 keeps a one-frame reorder window."""
        if not 0 <= jitter_buffer_frames <= 15:
            raise ValueError("jitter_buffer_frames must be between 0 and 15")
        self.jitter_buffer_frames = jitter_buffer_frames
        self.sample_rate = sample_rate
        self.ice_servers = list(ice_servers or [])
        self.lead = lead_ms / 1000
        self._audio: list[AudioCallback] = []
        self._lost: list[SessionCallback] = []
        self._calls: dict[str, Call] = {}

    @property
    def capabilities(self) -> VoiceCapability:
        # browsers run their own echo cancellation and gain control on getUserMedia audio
        return (
            VoiceCapability.NATIVE_AEC | VoiceCapability.NATIVE_AGC | VoiceCapability.INTERRUPTION
        )

    def on_audio_received(self, callback: AudioCallback) -> None:
        self._audio.append(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost.append(callback)

    def peer_connection(self, session: VoiceSession) -> RTCPeerConnection:
        return self._calls[session.id].pc

    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        session = VoiceSession(
            room_id=room_id,
            participant_id=participant_id,
            channel_id=channel_id,
            sample_rate=self.sample_rate,
            metadata=dict(metadata or {}),
        )
        servers = [RTCIceServer(urls=url) for url in self.ice_servers]
        pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))
        reply = self._reply_track()
        pc.addTrack(reply)
        call = Call(session, pc, reply)
        self._calls[session.id] = call

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "audio" and call.reader is None:
                self._size_jitter_buffer(pc, track)
                call.reader = asyncio.create_task(self._read(call, track))

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed") and session.id in self._calls:
                await self._lose(call)

        self._prepare(call)
        return session

    def _size_jitter_buffer(self, pc: RTCPeerConnection, track: MediaStreamTrack) -> None:
        """aiortc fixes the audio jitter buffer at 4 frames and has no option for it; the
        receiver's buffer is replaced before any packet arrives (the track event comes with the
        remote description)."""
        for transceiver in pc.getTransceivers():
            receiver = transceiver.receiver
            if receiver.track is track and hasattr(receiver, _JITTER_ATTRIBUTE):
                buffer = JitterBuffer(capacity=16, prefetch=self.jitter_buffer_frames)
                setattr(receiver, _JITTER_ATTRIBUTE, buffer)

    def _reply_track(self) -> ReplyTrack:
        """The outbound track of a new call: 48 kHz, what the Opus encoder takes natively."""
        return ReplyTrack()

    def _prepare(self, call: Call) -> None:
        """Called once a call's peer connection exists, before the browser's offer."""

    async def answer(self, session: VoiceSession, offer_sdp: str) -> str:
        """Accept the browser's offer; returns the SDP answer (ICE candidates gathered)."""
        call = self._calls.get(session.id)
        if call is None:
            raise ValueError(f"no WebRTC session {session.id}: join it first")
        if "m=audio" not in offer_sdp:
            raise ValueError("the SDP offer has no audio section (m=audio)")
        await call.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        await call.pc.setLocalDescription(await call.pc.createAnswer())
        return str(call.pc.localDescription.sdp)

    async def _read(self, call: Call, track: MediaStreamTrack) -> None:
        reader = InboundReader(self.sample_rate)
        try:
            while True:
                frame = await track.recv()
                pcm = reader.convert(frame)  # type: ignore[arg-type]
                if not pcm:
                    continue
                call.frames_in += 1
                out = AudioFrame(pcm, self.sample_rate)
                for callback in self._audio:
                    callback(call.session, out)
        except MediaStreamError:
            if call.session.id in self._calls:
                await self._lose(call)

    async def _lose(self, call: Call) -> None:
        await self.disconnect(call.session)
        ended = call.session.model_copy(update={"state": VoiceSessionState.ENDED})
        for callback in self._lost:
            callback(ended)

    async def disconnect(self, session: VoiceSession) -> None:
        call = self._calls.pop(session.id, None)
        if call is None:
            return
        if call.reader is not None and call.reader is not asyncio.current_task():
            call.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await call.reader
        await call.pc.close()

    async def close(self) -> None:
        for call in list(self._calls.values()):
            await self.disconnect(call.session)

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        call = self._calls.get(session.id)
        if call is None:
            return
        pcm = bytes(frame.data)
        if frame.sample_rate != call.reply.rate:
            pcm = resample(pcm, frame.sample_rate, call.reply.rate)
        call.reply.push(pcm)
        ahead = call.reply.queued_seconds - self.lead
        if ahead > 0:
            await asyncio.sleep(ahead)

    async def cancel_audio(self, session: VoiceSession) -> bool:
        call = self._calls.get(session.id)
        return call.reply.clear() if call is not None else False
