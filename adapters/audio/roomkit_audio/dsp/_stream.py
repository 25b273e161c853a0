"""Fixed-size block processing for streams that arrive in frames of any length."""

from __future__ import annotations

import numpy as np

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
