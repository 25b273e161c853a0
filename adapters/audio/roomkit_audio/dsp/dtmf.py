"""DTMF detection with Goertzel filters at the eight keypad frequencies.

Windows of 25.6 ms (205 samples at 8 kHz, the classic Goertzel length that separates the
rows) advance by a quarter window. The Goertzel powers of all windows of a frame are computed
at once as a product with precomputed cosine/sine tables, which gives the same values as
running the Goertzel recursion per window. A window holds a key when

- the strongest row and the strongest column are each ``min_tone_dbfs`` loud or more,
- each beats the other frequencies of its group by ``group_margin_db`` (isolation),
- the column tone is within ``max_twist_db`` above and ``max_reverse_twist_db`` below the
  row tone (twist),
- the two tones carry at least ``min_energy_ratio`` of the window's energy (which rejects
  speech and music, whose energy is spread over many harmonics).

Consecutive windows with the same key form one key press, reported once the key is released
if it lasted at least ``min_duration_ms``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from roomkit_audio.dsp.pcm import FULL_SCALE, Floats, Pcm, as_pcm, check_rate

ROWS = (697.0, 770.0, 852.0, 941.0)
COLUMNS = (1209.0, 1336.0, 1477.0, 1633.0)
KEYPAD = ("123A", "456B", "789C", "*0#D")
DTMF_DIGITS = "".join(KEYPAD)
WINDOW_MS = 25.625  # 205 samples at 8 kHz


@dataclass(frozen=True, slots=True)
class DTMFTone:
    """One key press: the key, when it started and how long it lasted (stream time)."""

    digit: str
    start_ms: float
    duration_ms: float


class GoertzelDTMFDetector:
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
        self._window = round(self.sample_rate * WINDOW_MS / 1000.0)
        self._hop = self._window // 4
        self._hop_ms = 1000.0 * self._hop / self.sample_rate
        self._window_ms = 1000.0 * self._window / self.sample_rate
        # tone power of a sine of amplitude A is (A N / 2)^2; scale to a mean square (A^2 / 2)
        self._tone_scale = 2.0 / (self._window * self._window)
        self._min_tone_power = 10.0 ** (min_tone_dbfs / 10.0) * FULL_SCALE * FULL_SCALE
        self._margin = 10.0 ** (group_margin_db / 10.0)
        self._basis = self._make_basis()
        self.reset()

    def _make_basis(self) -> Floats:
        t = np.arange(self._window, dtype=np.float64) / self.sample_rate
        frequencies = np.array(ROWS + COLUMNS)
        angles = 2.0 * np.pi * t[:, None] * frequencies[None, :]
        return np.ascontiguousarray(np.concatenate((np.cos(angles), np.sin(angles)), axis=1))

    def reset(self) -> None:
        self._buffer = np.zeros(0, dtype=np.float64)
        self._buffer_start = 0  # absolute sample index of _buffer[0]
        self._current: str | None = None
        self._first_window = 0
        self._last_window = 0
        self._misses = 0

    def process(self, pcm: Pcm) -> list[DTMFTone]:
        """Feed a frame; returns the key presses that ended within it."""
        samples = as_pcm(pcm)
        buffer = np.concatenate((self._buffer, samples.astype(np.float64)))
        count = (buffer.size - self._window) // self._hop + 1 if buffer.size >= self._window else 0
        found: list[DTMFTone] = []
        if count > 0:
            starts = np.arange(count) * self._hop
            windows = np.lib.stride_tricks.as_strided(
                buffer, shape=(count, self._window), strides=(self._hop * 8, 8), writeable=False
            )
            keys = self._classify(windows)
            first_index = self._buffer_start // self._hop
            for offset, key in enumerate(keys):
                self._track(key, first_index + offset, found)
            consumed = int(starts[-1]) + self._hop
            self._buffer = buffer[consumed:]
            self._buffer_start += consumed
        else:
            self._buffer = buffer
        return found

    def _classify(self, windows: Floats) -> list[str | None]:
        projections = windows @ self._basis
        half = len(ROWS) + len(COLUMNS)
        powers = (projections[:, :half] ** 2 + projections[:, half:] ** 2) * self._tone_scale
        energy = np.einsum("ij,ij->i", windows, windows) / windows.shape[1]
        rows, columns = powers[:, :4], powers[:, 4:]
        row = rows.argmax(axis=1)
        column = columns.argmax(axis=1)
        index = np.arange(powers.shape[0])
        row_power = rows[index, row]
        column_power = columns[index, column]
        rows_sorted = np.sort(rows, axis=1)
        columns_sorted = np.sort(columns, axis=1)
        ok = (row_power >= self._min_tone_power) & (column_power >= self._min_tone_power)
        ok &= row_power >= self._margin * rows_sorted[:, -2]
        ok &= column_power >= self._margin * columns_sorted[:, -2]
        twist_db = 10.0 * np.log10(np.maximum(column_power, 1e-9) / np.maximum(row_power, 1e-9))
        ok &= (twist_db <= self.max_twist_db) & (twist_db >= -self.max_reverse_twist_db)
        ok &= row_power + column_power >= self.min_energy_ratio * energy
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
