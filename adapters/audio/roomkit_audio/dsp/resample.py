"""Streaming sample-rate conversion by a rational factor with a polyphase filter bank.

Both resamplers run the same engine: output sample ``n`` sits at input time ``n * src / dst``
minus a fixed delay, and is a weighted sum of the input samples around it; the weights come
from one row of a precomputed bank (one row per fractional position). The history needed by
the filter is kept between calls, so a stream cut into frames of any length gives exactly the
samples the whole signal gives at once, with no clicks at frame edges.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from roomkit_audio.dsp.pcm import Floats, Pcm, as_pcm, check_rate, to_int16

PHASE_LOOP_MAX = 8  # filter rows computed one correlation each; a gather above that


class _PolyphaseResampler(ABC):
    """Shared engine: ``bank`` has one row of ``taps`` weights per output phase."""

    def __init__(self, src_rate: int, dst_rate: int, taps: int) -> None:
        self.src_rate = check_rate(src_rate, "src_rate")
        self.dst_rate = check_rate(dst_rate, "dst_rate")
        common = math.gcd(self.src_rate, self.dst_rate)
        self._up = self.dst_rate // common
        self._down = self.src_rate // common
        self.taps = taps
        self.delay_samples = taps // 2
        """Input samples of latency: the filter looks this far ahead of the output."""
        self._bank = self._make_bank()
        self._plan_cache: dict[tuple[int, int], tuple[np.ndarray, Floats]] = {}
        self.reset()

    @abstractmethod
    def _make_bank(self) -> Floats:
        """The polyphase filter bank, one row of taps per output phase."""

    def reset(self) -> None:
        """Forget the stream: the next call starts from silence."""
        self._history: Floats = np.zeros(self.taps, dtype=np.float64)
        self._history_start = -self.taps  # absolute input index of _history[0]
        self._received = 0  # input samples seen
        self._emitted = 0  # output samples produced

    @property
    def latency_ms(self) -> float:
        return 1000.0 * self.delay_samples / self.src_rate

    def output_length(self, input_samples: int) -> int:
        """Samples produced in total once ``input_samples`` have been fed from a reset."""
        return -(-input_samples * self._up // self._down)

    def process(self, pcm: Pcm) -> Pcm:
        """Convert the next chunk of the stream; returns every output sample it completes."""
        samples = as_pcm(pcm)
        if self._up == self._down:
            self._received += samples.size
            self._emitted += samples.size
            return samples.copy()
        buffer = np.concatenate((self._history, samples.astype(np.float64)))
        self._received += samples.size
        first, end = self._emitted, self.output_length(self._received)
        count = end - first
        # the window of output n starts at input index floor((n*down - delay*up)/up) - taps/2 + 1
        first_pos = first * self._down - self.delay_samples * self._up
        offset = first_pos // self._up - self.taps // 2 + 1 - self._history_start
        phase0 = first_pos % self._up
        if count == 0:
            out = np.zeros(0)
        elif self._up <= PHASE_LOOP_MAX:
            out = self._by_phase(buffer, count, offset, phase0)
        else:
            starts, weights = self._plan(count, phase0)
            windows = sliding_window_view(buffer, self.taps)[starts + offset]
            out = np.einsum("kt,kt->k", windows, weights)
        self._emitted = end
        # keep what the next output's window needs
        next_pos = end * self._down - self.delay_samples * self._up
        keep_from = next_pos // self._up - self.taps // 2 + 1
        drop = min(keep_from - self._history_start, buffer.size)
        self._history = buffer[drop:]
        self._history_start += drop
        return to_int16(out)

    def flush(self) -> Pcm:
        """End of stream: the output still held back by the filter's delay (the input is taken
        to be silent after the last sample); the resampler is then reset."""
        tail = self.process(np.zeros(self.delay_samples, dtype=np.int16))
        self.reset()
        return tail

    def _by_phase(self, buffer: Floats, count: int, offset: int, phase0: int) -> Floats:
        """Outputs ``r, r + up, r + 2 up, ...`` share one filter row and step ``down`` input
        samples apart: one correlation per row, for few rows (small ``up``)."""
        out = np.empty(count)
        up, down = self._up, self._down
        for r in range(min(up, count)):
            position = phase0 + r * down
            start = offset + position // up
            n = len(range(r, count, up))
            span = buffer[start : start + (n - 1) * down + self.taps]
            correlated = np.correlate(span, self._bank[position % up], "valid")
            out[r::up] = correlated[::down] if down > 1 else correlated
        return out

    def _plan(self, count: int, phase0: int) -> tuple[np.ndarray, Floats]:
        """Window starts (relative to the first output's) and weight rows for ``count`` outputs."""
        key = (count, phase0)
        plan = self._plan_cache.get(key)
        if plan is None:
            positions = phase0 + np.arange(count, dtype=np.int64) * self._down
            starts = positions // self._up
            weights = np.ascontiguousarray(self._bank[positions % self._up])
            plan = (starts, weights)
            if len(self._plan_cache) < 64:
                self._plan_cache[key] = plan
        return plan


class LinearResampler(_PolyphaseResampler):
    """Linear interpolation between neighbouring samples: cheap, with some aliasing and a
    gentle treble roll-off; one input sample of latency."""

    def __init__(self, src_rate: int, dst_rate: int) -> None:
        super().__init__(src_rate, dst_rate, taps=2)

    def _make_bank(self) -> Floats:
        fraction = np.arange(self._up, dtype=np.float64) / self._up
        return np.stack((1.0 - fraction, fraction), axis=1)


class SincResampler(_PolyphaseResampler):
    """Kaiser-windowed sinc interpolation: ``taps`` samples (at the lower of the two rates) per
    output sample, cutoff at ``rolloff`` of the lower Nyquist frequency; the latency is half
    the filter (``delay_samples`` input samples, 1 ms at the default 32 taps)."""

    def __init__(
        self,
        src_rate: int,
        dst_rate: int,
        taps: int = 32,
        *,
        rolloff: float = 0.9,
        kaiser_beta: float = 8.0,
    ) -> None:
        if isinstance(taps, bool) or not isinstance(taps, int) or taps < 4 or taps % 2:
            raise ValueError(f"taps must be an even int >= 4, got {taps!r}")
        if not 0.5 <= rolloff < 1.0:
            raise ValueError(f"rolloff must be in [0.5, 1), got {rolloff!r}")
        self.rolloff = rolloff
        self.kaiser_beta = kaiser_beta
        check_rate(src_rate, "src_rate")
        check_rate(dst_rate, "dst_rate")
        # when decimating, the filter spans ``taps`` samples of the output rate, so that the
        # transition band is as narrow (relative to the output Nyquist) as when interpolating
        span = -(-taps * src_rate // dst_rate) if src_rate > dst_rate else taps
        super().__init__(src_rate, dst_rate, taps=span + span % 2)

    def _make_bank(self) -> Floats:
        half = self.taps // 2
        cutoff = self.rolloff * min(1.0, self._up / self._down)  # of the input Nyquist
        fraction = np.arange(self._up, dtype=np.float64)[:, None] / self._up
        distance = np.arange(self.taps, dtype=np.float64)[None, :] - (half - 1) - fraction
        ratio = np.clip(distance / half, -1.0, 1.0)
        window = np.i0(self.kaiser_beta * np.sqrt(1.0 - ratio * ratio)) / np.i0(self.kaiser_beta)
        bank = cutoff * np.sinc(cutoff * distance) * window
        return bank / bank.sum(axis=1, keepdims=True)
