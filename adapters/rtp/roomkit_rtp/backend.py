"""RTPVoiceBackend: plain RTP over UDP, one socket per session.

``connect(..., metadata={"remote_host": h, "remote_port": p})`` opens a local UDP port (its
number is put in ``session.metadata["rtp_local_port"]`` for the SDP or the far end) and sends
to the given address; without one, it answers wherever the first packet came from (symmetric
RTP). Reordered packets are put back in order, lost ones filled with silence (up to five in a
row), duplicates and very late ones dropped; all counted in ``stats(session)``. RFC 4733
digits arrive through ``on_dtmf_received`` and ``send_dtmf`` sends them. A peer that sends
nothing for ``inactivity_timeout`` seconds is reported lost.
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

from roomkit.domain.voice import (
    AudioFrame,
    DTMFEvent,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
)
from roomkit.ports.voice import AudioCallback, DTMFCallback, SessionCallback, VoiceBackend
from roomkit_rtp.codecs import Codec, CodecName
from roomkit_rtp.codecs import codec as make_codec
from roomkit_rtp.packet import DTMF_EVENTS, TelephoneEvent
from roomkit_rtp.resample import resample
from roomkit_rtp.session import RTPEndpoint, RTPStats


class RTPVoiceBackend(VoiceBackend):
    name = "rtp"

    def __init__(
        self,
        *,
        local_host: str = "127.0.0.1",
        codec: CodecName = "pcmu",
        clock_rate: int | None = None,
        payload_type: int | None = None,
        dtmf_payload_type: int = 101,
        ptime_ms: int = 20,
        lead_ms: int = 60,
        inactivity_timeout: float | None = None,
    ) -> None:
        self.local_host = local_host
        self.codec: Codec = make_codec(codec, clock_rate, payload_type)
        self.dtmf_payload_type = dtmf_payload_type
        self.ptime_ms = ptime_ms
        self.lead = lead_ms / 1000
        self.inactivity_timeout = inactivity_timeout
        self._audio: list[AudioCallback] = []
        self._lost: list[SessionCallback] = []
        self._dtmf: list[DTMFCallback] = []
        self._sessions: dict[str, VoiceSession] = {}
        self._endpoints: dict[str, RTPEndpoint] = {}
        self._watchdogs: dict[str, asyncio.Task[None]] = {}
        self._reserved: dict[int, socket.socket] = {}

    @property
    def capabilities(self) -> VoiceCapability:
        return VoiceCapability.DTMF_SIGNALING | VoiceCapability.INTERRUPTION

    @property
    def samples_per_packet(self) -> int:
        return int(self.codec.clock_rate * self.ptime_ms // 1000)

    def on_audio_received(self, callback: AudioCallback) -> None:
        self._audio.append(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost.append(callback)

    def on_dtmf_received(self, callback: DTMFCallback) -> None:
        """``callback(session, DTMFEvent)`` for each RFC 4733 digit, once; VoiceChannel turns
        them into ON_DTMF."""
        self._dtmf.append(callback)

    def stats(self, session: VoiceSession) -> RTPStats:
        return self._endpoints[session.id].stats

    def session(self, session_id: str) -> VoiceSession | None:
        """The open session with this id, if any."""
        return self._sessions.get(session_id)

    def local_port(self, session: VoiceSession) -> int:
        return int(self._sessions[session.id].metadata["rtp_local_port"])

    def reserve_port(self) -> int:
        """Bind a UDP port now (for an SDP offer sent before the session exists); a later
        ``connect(..., metadata={"local_port": port})`` opens its session on that socket."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((self.local_host, 0))
        port = int(sock.getsockname()[1])
        self._reserved[port] = sock
        return port

    def release_port(self, port: int) -> None:
        """Close a reserved port no session was opened on."""
        sock = self._reserved.pop(port, None)
        if sock is not None:
            sock.close()

    # sessions ----------------------------------------------------------------------------
    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        meta = dict(metadata or {})
        remote: tuple[str, int] | None = None
        if meta.get("remote_port"):
            remote = (str(meta.get("remote_host", "127.0.0.1")), int(meta["remote_port"]))
        session = VoiceSession(
            room_id=room_id,
            participant_id=participant_id,
            channel_id=channel_id,
            sample_rate=self.codec.clock_rate,
            metadata=meta,
        )
        loop = asyncio.get_running_loop()
        endpoint = RTPEndpoint(
            self.codec,
            self.dtmf_payload_type,
            lambda pcm, ts: self._deliver(session, pcm),
            lambda digit, ms: self._digit(session, digit, ms),
            remote=remote,
        )
        reserved = self._reserved.pop(int(meta.get("local_port", 0)), None)
        if reserved is not None:
            await loop.create_datagram_endpoint(lambda: endpoint, sock=reserved)
        else:
            await loop.create_datagram_endpoint(
                lambda: endpoint, local_addr=(self.local_host, int(meta.get("local_port", 0)))
            )
        assert endpoint.transport is not None
        session.metadata["rtp_local_port"] = endpoint.transport.get_extra_info("sockname")[1]
        session.metadata["rtp_codec"] = self.codec.name
        self._sessions[session.id] = session
        self._endpoints[session.id] = endpoint
        if self.inactivity_timeout:
            self._watchdogs[session.id] = asyncio.create_task(self._watch(session))
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        self._sessions.pop(session.id, None)
        watchdog = self._watchdogs.pop(session.id, None)
        if watchdog is not None and watchdog is not asyncio.current_task():
            watchdog.cancel()
        endpoint = self._endpoints.pop(session.id, None)
        if endpoint is not None and endpoint.transport is not None:
            endpoint.transport.close()

    async def close(self) -> None:
        for session in list(self._sessions.values()):
            await self.disconnect(session)
        for port in list(self._reserved):
            self.release_port(port)

    def _deliver(self, session: VoiceSession, pcm: bytes) -> None:
        if session.id not in self._sessions:
            return
        frame = AudioFrame(pcm, self.codec.clock_rate)
        for callback in self._audio:
            callback(session, frame)

    def _digit(self, session: VoiceSession, digit: str, duration_ms: int) -> None:
        event = DTMFEvent(digit=digit, duration_ms=duration_ms)
        for callback in self._dtmf:
            callback(session, event)

    async def _watch(self, session: VoiceSession) -> None:
        assert self.inactivity_timeout is not None
        endpoint = self._endpoints[session.id]
        started = time.monotonic()
        while session.id in self._sessions:
            await asyncio.sleep(self.inactivity_timeout / 4)
            last = endpoint.last_packet_at or started
            if time.monotonic() - last >= self.inactivity_timeout:
                await self.disconnect(session)
                ended = session.model_copy(update={"state": VoiceSessionState.ENDED})
                for callback in self._lost:
                    callback(ended)
                return

    # playing -----------------------------------------------------------------------------
    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        endpoint = self._endpoints.get(session.id)
        if endpoint is None:
            return
        pcm = resample(bytes(frame.data), frame.sample_rate, self.codec.clock_rate)
        step = self.samples_per_packet * 2
        out = endpoint.out
        for offset in range(0, len(pcm), step):
            piece = pcm[offset : offset + step]
            samples = len(piece) // 2
            now = time.monotonic()
            marker = not out.talking or out.plays_until < now  # a new talkspurt
            out.talking = True
            endpoint.send(
                self.codec.payload_type,
                self.codec.encode(piece),
                samples=samples,
                marker=marker,
                advance=True,
            )
            out.plays_until = max(out.plays_until, now) + samples / self.codec.clock_rate
            ahead = out.plays_until - now - self.lead
            if ahead > 0:
                await asyncio.sleep(ahead)

    async def cancel_audio(self, session: VoiceSession) -> bool:
        endpoint = self._endpoints.get(session.id)
        if endpoint is None:
            return False
        out = endpoint.out
        playing = out.plays_until > time.monotonic()
        out.plays_until = 0.0
        out.talking = False
        return playing

    async def send_dtmf(self, session: VoiceSession, digit: str, duration_ms: int = 160) -> None:
        """Send ``digit`` as RFC 4733 events: one every 50 ms on one timestamp, the last three
        marked as the end."""
        if digit not in DTMF_EVENTS:
            raise ValueError(f"{digit!r} is not a DTMF digit (one of {DTMF_EVENTS})")
        endpoint = self._endpoints.get(session.id)
        if endpoint is None:
            raise ValueError(f"no RTP session {session.id}")
        rate = self.codec.clock_rate
        total = max(1, duration_ms * rate // 1000)
        step = rate * 50 // 1000
        elapsed = 0
        first = True
        while elapsed + step < total:
            elapsed += step
            payload = TelephoneEvent(digit, False, 10, elapsed).to_bytes()
            endpoint.send(self.dtmf_payload_type, payload, samples=0, marker=first, advance=False)
            first = False
            await asyncio.sleep(0.05)
        end = TelephoneEvent(digit, True, 10, total).to_bytes()
        for _ in range(3):
            endpoint.send(self.dtmf_payload_type, end, samples=0, marker=first, advance=False)
            first = False
        endpoint.out.timestamp = (endpoint.out.timestamp + total) & 0xFFFFFFFF
