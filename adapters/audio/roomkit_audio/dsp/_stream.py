"""Fixed-size block processing for streams that arrive in frames of any length."""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

from roomkit_audio.dsp.pcm import Floats


class BlockQueue:
    """Collects samples and hands them out in blocks of ``size``; keeps the remainder."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pending: Floats = np.zeros(0)

    def blocks(self, samples: Floats) -> Floats:
        """All complete blocks, as a ``(count, size)`` array."""
        if self._pending.size:
            samples = np.concatenate((self._pending, samples))
        elif samples.size % self.size == 0:
            return samples.reshape(-1, self.size)
        whole = samples.size // self.size
        self._pending = samples[whole * self.size :]
        return samples[: whole * self.size].reshape(whole, self.size)

    @property
    def pending(self) -> int:
        return self._pending.size


class OutputQueue:
    """Holds processed samples so that every call returns as many samples as it received.

    A stage that works in blocks of ``block`` samples has output for whole blocks only. While
    the frames are whole blocks nothing waits; the first frame that is not leaves the output
    short, and the queue then adds a fixed delay of ``block - 1`` samples of silence, once:
    enough that no later frame, whatever its size, can come up short again.
    """

    def __init__(self, block: int) -> None:
        self._ready: Floats = np.zeros(0)
        self._cover = block - 1
        self.delay_samples = 0

    def push_pull(self, produced: Floats, wanted: int) -> Floats:
        if self._ready.size:
            ready = np.concatenate((self._ready, produced))
        elif produced.size == wanted:
            return produced
        else:
            ready = produced
        if ready.size < wanted:
            pad = max(wanted - ready.size, self._cover)
            self.delay_samples += pad
            ready = np.concatenate((np.zeros(pad), ready))
        self._ready = ready[wanted:]
        return ready[:wanted]


class SampleQueue:
    """A FIFO of int16 samples, pushed in chunks and taken in any amounts (no copying of
    what stays queued); refuses to hold more than ``limit`` samples."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._chunks: deque[npt.NDArray[np.int16]] = deque()
        self.size = 0

    def push(self, samples: npt.NDArray[np.int16]) -> int:
        """Queue ``samples``; returns how many were dropped (the newest) for want of room."""
        room = self.limit - self.size
        kept = samples[:room] if samples.size > room else samples
        if kept.size:
            self._chunks.append(kept)
            self.size += kept.size
        return samples.size - kept.size

    def take(self, count: int) -> Floats:
        """The next ``count`` samples as floats, silence where the queue runs out."""
        out = np.zeros(count)
        filled = 0
        chunks = self._chunks
        while chunks and filled < count:
            chunk = chunks[0]
            used = min(chunk.size, count - filled)
            out[filled : filled + used] = chunk[:used]
            filled += used
            if used == chunk.size:
                chunks.popleft()
            else:
                chunks[0] = chunk[used:]
        self.size -= filled
        return out

    def clear(self) -> None:
        self._chunks.clear()
        self.size = 0
