"""Mixing int16 streams with saturation (a sum that overflows sticks at full scale instead of
wrapping around), and an N-party mixer where each party hears everyone but itself."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt

from roomkit_audio.dsp.pcm import Pcm, as_pcm


def _saturate(total: npt.NDArray[np.int32]) -> Pcm:
    return np.clip(total, -32768, 32767).astype(np.int16)


def mix(streams: Sequence[Pcm]) -> Pcm:
    """Sum of the streams, shorter ones padded with silence, saturated to int16."""
    checked = [as_pcm(s, f"streams[{i}]") for i, s in enumerate(streams)]
    if not checked:
        return np.zeros(0, dtype=np.int16)
    total = np.zeros(max(s.size for s in checked), dtype=np.int32)
    for stream in checked:
        total[: stream.size] += stream
    return _saturate(total)


class AudioMixer:
    """Per-party queues of PCM; ``read`` takes one frame from each and returns, for every
    party, the mix of all the other parties (missing audio counts as silence)."""

    def __init__(self) -> None:
        self._pending: dict[Hashable, list[Pcm]] = {}
        self._queued: dict[Hashable, int] = {}

    @property
    def parties(self) -> list[Hashable]:
        return list(self._pending)

    def add_party(self, party: Hashable) -> None:
        if party in self._pending:
            raise ValueError(f"party {party!r} is already in the mix")
        self._pending[party] = []
        self._queued[party] = 0

    def remove_party(self, party: Hashable) -> None:
        if party not in self._pending:
            raise ValueError(f"party {party!r} is not in the mix")
        del self._pending[party]
        del self._queued[party]

    def write(self, party: Hashable, pcm: Pcm) -> None:
        """Queue audio spoken by ``party``."""
        if party not in self._pending:
            raise ValueError(f"party {party!r} is not in the mix (add_party first)")
        samples = as_pcm(pcm)
        if samples.size:
            self._pending[party].append(samples)
            self._queued[party] += samples.size

    def queued(self, party: Hashable) -> int:
        """Samples of ``party`` waiting to be mixed."""
        return self._queued[party]

    def read(self, samples: int) -> dict[Hashable, Pcm]:
        """Consume ``samples`` from every party; returns what each party should hear."""
        if samples < 0:
            raise ValueError(f"samples must not be negative, got {samples}")
        frames = {party: self._take(party, samples) for party in self._pending}
        total = np.zeros(samples, dtype=np.int32)
        for frame in frames.values():
            total += frame
        return {party: _saturate(total - frame) for party, frame in frames.items()}

    def _take(self, party: Hashable, samples: int) -> npt.NDArray[np.int32]:
        out = np.zeros(samples, dtype=np.int32)
        chunks, filled = self._pending[party], 0
        while chunks and filled < samples:
            chunk = chunks[0]
            used = min(chunk.size, samples - filled)
            out[filled : filled + used] = chunk[:used]
            filled += used
            if used == chunk.size:
                chunks.pop(0)
            else:
                chunks[0] = chunk[used:]
        self._queued[party] -= filled
        return out
