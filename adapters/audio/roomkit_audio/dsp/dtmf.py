"""DTMF detection with Goertzel filters at the eight keypad frequencies.

Windows of 25.6 ms (the classic Goertzel length that separates the rows: 204 samples at
8 kHz) advance by a quarter window. Each quarter is projected once on precomputed cosine and
sine tables of the eight frequencies (phases measured from the start of each window position
it can take), and a window's Goertzel powers are the sums of its four quarters' projections:
the same values the Goertzel recursion gives, at a fraction of the cost. A window holds a key when

- the strongest row and the strongest column are each ``min_tone_dbfs`` loud or more,
- each beats the other frequencies of its group by ``group_margin_db`` (isolation),
- the column tone is within ``max_twist_db`` above and ``max_reverse_twist_db`` below the
  row tone (twist),
- the two tones carry at least ``min_energy_ratio`` of the window's energy (which rejects
  speech and music, whose energy is spread over many harmonics).

Consecutive windows with the same key form one key press, reported once the key is released
if it lasted at least ``min_duration_ms`` (less 10 %, the error of the duration estimate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from roomkit_audio.dsp.pcm import FULL_SCALE, Floats, Pcm, as_pcm, check_rate

ROWS = (697.0, 770.0, 852.0, 941.0)
COLUMNS = (1209.0, 1336.0, 1477.0, 1633.0)
KEYPAD = ("123A", "456B", "789C", "*0#D")
DTMF_DIGITS = "".join(KEYPAD)
WINDOW_MS = 25.5  # 204 samples at 8 kHz, 4 quarters of 51


@dataclass(frozen=True, slots=True)
class DTMFTone:
    """One key press: the key, when it started and how long it lasted (stream time)."""

    digit: str
    start_ms: float
    duration_ms: float


class GoertzelDTMFDetector:
    """Key presses of the 16-key pad in a stream of frames, each reported once."""

    def __init__(
        self,
        sample_rate: int,
        *,
        min_duration_ms: float = 40.0,
        min_tone_dbfs: float = -40.0,
        max_twist_db: float = 8.0,
        max_reverse_twist_db: float = 8.0,
        group_margin_db: float = 8.0,
        min_energy_ratio: float = 0.6,
        release_windows: int = 2,
    ) -> None:
        self.sample_rate = check_rate(sample_rate)
        if min_duration_ms <= 0:
            raise ValueError(f"min_duration_ms must be positive, got {min_duration_ms!r}")
        if not 0.0 < min_energy_ratio <= 1.0:
            raise ValueError(f"min_energy_ratio must be in (0, 1], got {min_energy_ratio!r}")
        self.min_duration_ms = min_duration_ms
        self.max_twist_db = max_twist_db
        self.max_reverse_twist_db = max_reverse_twist_db
        self.min_energy_ratio = min_energy_ratio
        self.release_windows = max(1, release_windows)
        self._hop = round(self.sample_rate * WINDOW_MS / 4000.0)
        self._window = 4 * self._hop
        self._hop_ms = 1000.0 * self._hop / self.sample_rate
        self._window_ms = 1000.0 * self._window / self.sample_rate
        # tone power of a sine of amplitude A is (A N / 2)^2; scale to a mean square (A^2 / 2)
        self._tone_scale = 2.0 / (self._window * self._window)
        self._min_tone_power = 10.0 ** (min_tone_dbfs / 10.0) * FULL_SCALE * FULL_SCALE
        self._margin = 10.0 ** (group_margin_db / 10.0)
        self._max_twist = 10.0 ** (max_twist_db / 10.0)
        self._min_twist = 10.0 ** (-max_reverse_twist_db / 10.0)
        self._basis = self._make_basis()
        self.reset()

    def _make_basis(self) -> Floats:
        """``(hop, 4 * 16)``: for each quarter position, cosines then sines of the 8 tones."""
        t = np.arange(self._window, dtype=np.float64) / self.sample_rate
        frequencies = np.array(ROWS + COLUMNS)
        angles = 2.0 * np.pi * t[:, None] * frequencies[None, :]
        full = np.concatenate((np.cos(angles), np.sin(angles)), axis=1)  # (window, 16)
        quarters = [full[k * self._hop : (k + 1) * self._hop] for k in range(4)]
        return np.ascontiguousarray(np.concatenate(quarters, axis=1))

    def reset(self) -> None:
        self._pending = np.zeros(0, dtype=np.int16)
        self._hops_seen = 0  # complete quarters consumed
        self._recent = np.zeros((3, 4 * 16 + 1))  # the last three quarters' projections, energy
        self._current: str | None = None
        self._first_window = 0
        self._last_window = 0
        self._misses = 0

    def process(self, pcm: Pcm) -> list[DTMFTone]:
        """Feed a frame; returns the key presses that ended within it."""
        samples = as_pcm(pcm)
        if self._pending.size:
            samples = np.concatenate((self._pending, samples))
        count = samples.size // self._hop
        self._pending = samples[count * self._hop :]
        if count == 0:
            return []
        hops = samples[: count * self._hop].reshape(count, self._hop).astype(np.float64)
        projected = np.empty((count + 3, 4 * 16 + 1))
        projected[:3] = self._recent
        projected[3:, :64] = hops @ self._basis
        projected[3:, 64] = np.einsum("ij,ij->i", hops, hops)
        self._recent = projected[-3:]
        first_window = self._hops_seen - 3  # window index = index of its first quarter
        self._hops_seen += count
        # window j spans quarters j..j+3, quarter k of it uses basis columns k*16..k*16+15
        sums = projected[0:count, 0:16] + projected[1 : count + 1, 16:32]
        sums += projected[2 : count + 2, 32:48]
        sums += projected[3 : count + 3, 48:64]
        energy = (
            projected[0:count, 64]
            + projected[1 : count + 1, 64]
            + projected[2 : count + 2, 64]
            + projected[3 : count + 3, 64]
        )
        if first_window < 0:  # the first windows of the stream start before it
            valid = max(0, -first_window)
            sums, energy, first_window = sums[valid:], energy[valid:], 0
        found: list[DTMFTone] = []
        keys = self._classify(sums, energy)
        if keys is None:
            if self._current is not None:
                for offset in range(energy.size):
                    self._track(None, first_window + offset, found)
            return found
        for offset, key in enumerate(keys):
            self._track(key, first_window + offset, found)
        return found

    def _classify(self, sums: Floats, energy: Floats) -> list[str | None] | None:
        """The key each window holds (None if none), or None when no window holds one."""
        if sums.shape[0] == 0:
            return None
        squares = sums * sums
        powers = (squares[:, :8] + squares[:, 8:]) * self._tone_scale
        rows, columns = powers[:, :4], powers[:, 4:]
        row_power = rows.max(axis=1)
        column_power = columns.max(axis=1)
        ok = row_power + column_power >= self.min_energy_ratio * energy / self._window
        ok &= np.minimum(row_power, column_power) >= self._min_tone_power
        if not ok.any():
            return None
        ok &= (rows * self._margin <= row_power[:, None]).sum(axis=1) == 3
        ok &= (columns * self._margin <= column_power[:, None]).sum(axis=1) == 3
        twist = column_power / np.maximum(row_power, 1e-9)
        ok &= (twist <= self._max_twist) & (twist >= self._min_twist)
        row = rows.argmax(axis=1)
        column = columns.argmax(axis=1)
        return [KEYPAD[r][c] if good else None for r, c, good in zip(row, column, ok, strict=True)]

    def _track(self, key: str | None, window: int, found: list[DTMFTone]) -> None:
        if key is not None and key == self._current:
            self._last_window = window
            self._misses = 0
            return
        if self._current is not None:
            self._misses += 1
            if self._misses < self.release_windows and key is None:
                return
            self._finish(found)
        if key is not None:
            self._current = key
            self._first_window = self._last_window = window
            self._misses = 0

    def _finish(self, found: list[DTMFTone]) -> None:
        # a window holds a key when the tone covers most of it: the tone runs from about a
        # quarter window into the first such window to a quarter window before the last's end
        start_ms = self._first_window * self._hop_ms + self._window_ms / 4.0
        end_ms = self._last_window * self._hop_ms + self._window_ms * 0.75
        duration = max(end_ms - start_ms, 0.0)
        if duration >= self.min_duration_ms * 0.9 and self._current is not None:
            found.append(DTMFTone(self._current, start_ms, duration))
        self._current = None
        self._misses = 0

    def flush(self) -> list[DTMFTone]:
        """End of stream: report a key still held."""
        found: list[DTMFTone] = []
        if self._current is not None:
            self._finish(found)
        return found
