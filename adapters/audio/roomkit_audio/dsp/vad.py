"""Energy voice activity detection with hysteresis and an adaptive noise floor.

Audio is measured in 10 ms blocks. Outside speech the noise floor tracks the median block
level (it moves ``noise_tracking_db_per_s`` towards each block, and drops at once when the
noise gets much quieter), so stationary noise of any level becomes the floor. Speech starts
when blocks stay ``start_threshold_db`` above the floor for ``min_speech_ms``, and ends after
``silence_threshold_ms`` below ``stop_threshold_db`` above the floor, or more than
``speech_drop_db`` under the utterance's peak level (a gain stage ahead of the VAD may have
raised the noise since the floor was measured; the floor is then re-measured on the pause);
a single loud block in a pause does not restart the count. The reported times are those of
the edges themselves, not of the moment they were confirmed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np

from roomkit_audio.dsp.levels import SILENCE_DBFS
from roomkit_audio.dsp.pcm import FULL_SCALE, Pcm, as_pcm, check_rate

BLOCK_MS = 10.0
SPEECH_PEAK_DECAY_DB_PER_S = 2.0
DROP_DB = 10.0  # a block this far under the noise floor resets it at once


@dataclass(frozen=True, slots=True)
class VADDecision:
    """An edge of an utterance; ``audio`` (on speech_end) is the utterance as int16 LE bytes,
    from ``pre_roll_ms`` before its start to ``post_roll_ms`` after its end."""

    kind: Literal["speech_start", "speech_end"]
    at_ms: float
    audio: bytes | None = None


class EnergyVAD:
    """Speech start and end decisions on a stream of frames, with the utterance audio."""

    def __init__(
        self,
        sample_rate: int,
        *,
        start_threshold_db: float = 12.0,
        stop_threshold_db: float = 8.0,
        min_speech_ms: float = 60.0,
        silence_threshold_ms: float = 500.0,
        pre_roll_ms: float = 200.0,
        post_roll_ms: float = 100.0,
        min_level_dbfs: float = -50.0,
        noise_tracking_db_per_s: float = 5.0,
        speech_drop_db: float = 30.0,
    ) -> None:
        self.sample_rate = check_rate(sample_rate)
        if stop_threshold_db > start_threshold_db:
            raise ValueError(
                f"stop_threshold_db ({stop_threshold_db}) must not exceed "
                f"start_threshold_db ({start_threshold_db})"
            )
        for name, value in (
            ("min_speech_ms", min_speech_ms),
            ("silence_threshold_ms", silence_threshold_ms),
            ("pre_roll_ms", pre_roll_ms),
            ("post_roll_ms", post_roll_ms),
        ):
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value!r}")
        self.start_threshold_db = start_threshold_db
        self.stop_threshold_db = stop_threshold_db
        self.min_speech_ms = min_speech_ms
        self.silence_threshold_ms = silence_threshold_ms
        self.pre_roll_ms = pre_roll_ms
        self.post_roll_ms = post_roll_ms
        self.min_level_dbfs = min_level_dbfs
        self.speech_drop_db = speech_drop_db
        self._peak_decay = SPEECH_PEAK_DECAY_DB_PER_S * BLOCK_MS / 1000.0
        self._block = round(self.sample_rate * BLOCK_MS / 1000.0)
        self._noise_step = noise_tracking_db_per_s * BLOCK_MS / 1000.0
        self._start_blocks = max(1, round(min_speech_ms / BLOCK_MS))
        self._stop_blocks = max(1, round(silence_threshold_ms / BLOCK_MS))
        self._pre_roll_blocks = round(pre_roll_ms / BLOCK_MS)
        self._post_roll_blocks = round(post_roll_ms / BLOCK_MS)
        self._scale = 1.0 / (FULL_SCALE * FULL_SCALE * self._block)
        self.reset()

    def reset(self) -> None:
        self._pending = np.zeros(0, dtype=np.int16)
        self._blocks_seen = 0
        self._noise_db: float | None = None
        self._level_db = SILENCE_DBFS
        self._speaking = False
        self._candidate = 0  # consecutive loud blocks while not speaking
        self._quiet = 0  # quiet blocks since speech last ran on, while speaking
        self._voiced_before = False
        self._speech_peak = SILENCE_DBFS
        self._quiet_levels: list[float] = []
        self._history: deque[Pcm] = deque(maxlen=self._pre_roll_blocks + self._start_blocks)
        self._utterance: list[Pcm] = []
        self._decisions: deque[VADDecision] = deque()

    @property
    def level_db(self) -> float:
        """Level (dBFS) of the last complete 10 ms block."""
        return self._level_db

    @property
    def noise_floor_db(self) -> float:
        return SILENCE_DBFS if self._noise_db is None else self._noise_db

    @property
    def is_speech(self) -> bool:
        return self._speaking

    def process(self, pcm: Pcm) -> VADDecision | None:
        """Feed a frame; returns the next edge found, if any. When one frame holds several
        edges (long frames), the later ones are returned by the following calls."""
        self._feed(pcm)
        return self._decisions.popleft() if self._decisions else None

    def process_all(self, pcm: Pcm) -> list[VADDecision]:
        """Feed a frame; returns every edge not yet returned, in order."""
        self._feed(pcm)
        found = list(self._decisions)
        self._decisions.clear()
        return found

    def _feed(self, pcm: Pcm) -> None:
        samples = as_pcm(pcm)
        if self._pending.size:
            samples = np.concatenate((self._pending, samples))
        whole = samples.size // self._block
        self._pending = samples[whole * self._block :]
        if not whole:
            return
        blocks = samples[: whole * self._block].reshape(whole, self._block)
        as_float = blocks.astype(np.float64)
        power = np.einsum("ij,ij->i", as_float, as_float) * self._scale
        levels = 10.0 * np.log10(np.maximum(power, 1e-12))
        for index in range(whole):
            self._step(float(levels[index]), blocks[index])

    def _step(self, level: float, block: Pcm) -> None:
        self._level_db = level
        index = self._blocks_seen
        self._blocks_seen += 1
        noise = self._noise_db
        if noise is None or level < noise - DROP_DB:
            noise = level  # a first block, or the noise got much quieter
        elif not self._speaking and self._candidate == 0:
            # the median of the non-speech levels: step up or down by the same amount
            noise += self._noise_step if level > noise else -self._noise_step
        elif self._speaking:
            noise += self._noise_step / 30.0  # a lasting new noise level ends speech
        self._noise_db = noise
        if not self._speaking:
            self._history.append(block)
            loud = level >= max(noise + self.start_threshold_db, self.min_level_dbfs)
            self._candidate = self._candidate + 1 if loud else 0
            if self._candidate >= self._start_blocks:
                self._speaking = True
                self._quiet = 0
                self._voiced_before = True
                self._speech_peak = level
                self._quiet_levels.clear()
                onset = index - self._candidate + 1
                self._utterance = list(self._history)
                self._history.clear()
                self._decisions.append(VADDecision("speech_start", onset * BLOCK_MS))
            return
        self._utterance.append(block)
        self._speech_peak = max(self._speech_peak - self._peak_decay, level)
        voiced = level >= max(
            noise + self.stop_threshold_db,
            self.min_level_dbfs - 6.0,
            self._speech_peak - self.speech_drop_db,
        )
        if not voiced:
            self._quiet += 1
            self._quiet_levels.append(level)
        elif self._voiced_before:
            self._quiet = 0  # speech resumed (a lone loud block in a pause does not count)
            self._quiet_levels.clear()
        elif self._quiet:
            self._quiet += 1
        self._voiced_before = voiced
        if self._quiet >= self._stop_blocks:
            self._speaking = False
            self._candidate = 0
            # the pause that ended the utterance is the best measure of the noise now
            self._noise_db = max(noise, float(np.median(self._quiet_levels)))
            self._quiet_levels.clear()
            end_block = index - self._quiet + 1
            keep = len(self._utterance) - self._quiet + min(self._post_roll_blocks, self._quiet)
            audio = np.concatenate(self._utterance[:keep]).astype("<i2").tobytes()
            self._utterance = []
            self._decisions.append(VADDecision("speech_end", end_block * BLOCK_MS, audio))
