"""Audio bridging: people in one voice room hear each other, mixed, each at their own rate.

Each member's processed inbound frames (after the pipeline's resampler, echo canceller, ...)
are buffered; every frame period the bridge takes one frame from each member that has audio,
and gives every member the saturating sum of the others (never their own voice), resampled to
that member's line rate with a resampler stream of its own. The transcripts, when the channel
has STT, still go to the room as usual: bridging only adds the audio path between people.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from roomkit.application.logging_rules import log_failure
from roomkit.domain.errors import VoiceNotConfiguredError
from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit.ports.voice import Resampler, VoiceBackend

log = logging.getLogger("roomkit.voice.bridge")

FRAME_MS = 20
MAX_BUFFERED_MS = 200  # a member further ahead than this loses its oldest audio


@dataclass
class _Member:
    session: VoiceSession
    backend: VoiceBackend
    resampler: Resampler | None
    pending: bytearray = field(default_factory=bytearray)
    dropped_bytes: int = 0


def mix(chunks: Sequence[bytes], samples: int) -> bytes:
    """The saturating sum of mono 16-bit chunks (shorter ones padded with silence)."""
    if not chunks:
        return bytes(2 * samples)
    if len(chunks) == 1 and len(chunks[0]) == 2 * samples:
        return chunks[0]
    total = [0] * samples
    for chunk in chunks:
        values = array("h")
        values.frombytes(chunk[: 2 * samples])
        for i, value in enumerate(values):
            total[i] += value
    out = array("h", (32767 if v > 32767 else -32768 if v < -32768 else v for v in total))
    return out.tobytes()


class AudioBridge:
    """One room's bridged call on one voice channel."""

    def __init__(self, rate: int, resampler: Resampler | None, frame_ms: int = FRAME_MS) -> None:
        self.rate = rate
        self.frame_ms = frame_ms
        self._samples = rate * frame_ms // 1000
        self._resampler = resampler
        self._members: dict[str, _Member] = {}
        self._task: asyncio.Task[None] | None = None
        self.frames_mixed = 0

    @property
    def members(self) -> list[VoiceSession]:
        return [m.session for m in self._members.values()]

    def add(self, session: VoiceSession, backend: VoiceBackend) -> None:
        if session.sample_rate != self.rate and self._resampler is None:
            raise VoiceNotConfiguredError(
                f"bridging a {session.sample_rate} Hz line into a {self.rate} Hz call needs a "
                "resampler: set AudioPipelineConfig(resampler=...)"
            )
        resampler = (
            self._resampler.new_stream()
            if self._resampler is not None and session.sample_rate != self.rate
            else None
        )
        self._members[session.id] = _Member(session, backend, resampler)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"voice-bridge-{session.room_id}")

    async def remove(self, session_id: str) -> bool:
        """Take a member out; True when the bridge is empty (and stopped)."""
        self._members.pop(session_id, None)
        if self._members:
            return False
        await self.stop()
        return True

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def feed(self, session_id: str, frame: AudioFrame) -> None:
        """A member's processed inbound frame (at the bridge rate); never blocks."""
        member = self._members.get(session_id)
        if member is None or frame.sample_rate != self.rate:
            return
        pending = member.pending
        pending += frame.data
        limit = 2 * self.rate * MAX_BUFFERED_MS // 1000
        if len(pending) > limit:
            excess = len(pending) - limit
            del pending[:excess]
            member.dropped_bytes += excess

    def mix_once(self) -> list[tuple[_Member, AudioFrame]]:
        """One frame period: what each member hears (nothing when nobody said anything)."""
        size = 2 * self._samples
        spoken: dict[str, bytes] = {}
        for session_id, member in self._members.items():
            if member.pending:
                spoken[session_id] = bytes(member.pending[:size])
                del member.pending[:size]
        if not spoken:
            return []
        self.frames_mixed += 1
        out = []
        for session_id, member in self._members.items():
            others = [chunk for sid, chunk in spoken.items() if sid != session_id]
            if not others:
                continue
            frame = AudioFrame(mix(others, self._samples), sample_rate=self.rate)
            if member.resampler is not None:
                frame = member.resampler.resample(frame, member.session.sample_rate)
            out.append((member, frame))
        return out

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        period = self.frame_ms / 1000
        deadline = loop.time()
        while True:
            deadline += period
            for member, frame in self.mix_once():
                try:
                    await member.backend.send_audio(member.session, frame)
                except Exception as exc:
                    log_failure(
                        log, "bridged audio could not be sent", exc, session_id=member.session.id
                    )
            delay = deadline - loop.time()
            if delay < -period * 5:  # far behind (a loaded machine): start counting again
                deadline = loop.time()
                delay = 0
            await asyncio.sleep(max(0.0, delay))
