"""FastRTCVoiceBackend: browser voice over WebRTC, on aiortc.

``session = await kit.join(...)`` makes a peer connection for the caller; the web app hands the
browser's SDP offer to ``await backend.answer(session, offer_sdp)`` and returns the answer.
Audio arrives as Opus at 48 kHz and is delivered as mono 16-bit frames at ``sample_rate``, each
packet decoded as it arrives (``roomkit_fastrtc.inbound``); replies are encoded to Opus at the
session's rate (resampled to 48 kHz first when Opus cannot take that rate) and sent on a paced
track. When the browser's connection fails or closes, the session is reported lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession, VoiceSessionState
from roomkit.ports.voice import AudioCallback, SessionCallback, VoiceBackend
from roomkit_fastrtc.inbound import OpusInbound, attach
from roomkit_fastrtc.tracks import OPUS_RATES, InboundReader, ReplyTrack
from roomkit_rtp.resample import resample

log = logging.getLogger("roomkit.fastrtc")


class Call:
    """One browser call: its peer connection, the agent's outbound track and the reader."""

    def __init__(self, session: VoiceSession, pc: RTCPeerConnection, reply: ReplyTrack) -> None:
        self.session = session
        self.pc = pc
        self.reply = reply
        self.reader: asyncio.Task[None] | None = None
        self.inbound: OpusInbound | None = None  # None: aiortc decodes (see inbound.attach)
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
        """``jitter_buffer_frames``: the reorder window. A packet is decoded as soon as it
        arrives if every earlier one is in; one that overtook a missing packet waits for at
        most this many later packets (or 20 ms each, if the stream pauses) before the missing
        one is given up. 0 never waits (a late packet is dropped). Audio in order is never
        held, whatever the window. ``lead_ms``: how far ahead of playback ``send_audio`` may
        queue a reply before it waits (the reply is sent on time either way)."""
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
        opus = [c for c in RTCRtpSender.getCapabilities("audio").codecs if c.name == "opus"]
        for transceiver in pc.getTransceivers():
            transceiver.setCodecPreferences(opus)  # the inbound path decodes Opus only
        call = Call(session, pc, reply)
        self._calls[session.id] = call

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "audio" and call.reader is None:
                self._decode_on_arrival(call, track)
                call.reader = asyncio.create_task(self._read(call, track))

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed") and session.id in self._calls:
                await self._lose(call)

        self._prepare(call)
        return session

    def _decode_on_arrival(self, call: Call, track: MediaStreamTrack) -> None:
        """Take the call's packets from aiortc's receiver before any arrives (the track event
        comes with the remote description); if that fails, aiortc decodes and ``_read``
        delivers its frames."""

        def deliver(pcm: bytes) -> None:
            call.frames_in += 1
            frame = AudioFrame(pcm, self.sample_rate)
            for callback in self._audio:
                callback(call.session, frame)

        for transceiver in call.pc.getTransceivers():
            if transceiver.receiver.track is track:
                inbound = OpusInbound(deliver, self.sample_rate, self.jitter_buffer_frames)
                if attach(transceiver.receiver, inbound):
                    call.inbound = inbound

    def _reply_track(self) -> ReplyTrack:
        """The outbound track of a new call: at the session's rate when Opus encodes it
        natively (no resampling), else at 48 kHz."""
        return ReplyTrack(self.sample_rate if self.sample_rate in OPUS_RATES else 48000)

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
        if call.inbound is not None:
            call.inbound.close()
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
