"""Acoustic echo cancellation with a partitioned-block frequency-domain NLMS filter.

The echo path from the loudspeaker (``feed_reference``) to the microphone is modelled as an
FIR filter of ``filter_length`` samples, split into partitions of one block each. Per block,
the echo estimate is the sum of the partitions' products with the spectra of the recent
reference blocks (overlap-save, FFT size two blocks); the error (microphone minus estimate)
is the output and drives a normalised LMS update of every partition in the frequency domain.
The gradient constraint that keeps partitions linear (not circular) convolutions is applied
to one partition per block in turn, which keeps the cost per block flat. Adaptation pauses
while the reference is silent and while the near end talks over it: the microphone louder
than any echo of the recent reference could be, or well above the echo the converged filter
predicts.
"""

from __future__ import annotations

import numpy as np

from roomkit_audio.dsp._fft import irfft, rfft
from roomkit_audio.dsp._stream import BlockQueue, OutputQueue, SampleQueue
from roomkit_audio.dsp.pcm import Floats, Pcm, as_pcm, check_rate, to_int16

CONVERGED_ERLE = 4.0  # 6 dB: the echo estimate can be trusted for double-talk detection
NEAR_END_OVER_ECHO = 4.0  # microphone 6 dB above the predicted echo: someone is talking
PATH_CHANGE_S = 2.0
HANGOVER_MS = 300  # adaptation stays paused this long after the last sign of double talk
POWER_SMOOTHING = 0.9  # per block, for the per-bin reference power that normalises the step


class NLMSEchoCanceller:
    """Removes the loudspeaker's echo from microphone frames; ``filter_length`` and
    ``block_size`` are in samples (default 64 ms and 20 ms)."""

    def __init__(
        self,
        sample_rate: int,
        filter_length: int | None = None,
        step_size: float = 0.7,
        *,
        block_size: int | None = None,
        max_reference_s: float = 60.0,
        double_talk_db: float = 0.0,
    ) -> None:
        self.sample_rate = check_rate(sample_rate)
        block = self.sample_rate // 50 if block_size is None else block_size
        length = self.sample_rate * 64 // 1000 if filter_length is None else filter_length
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ValueError(f"filter_length must be a positive int (samples), got {length!r}")
        if isinstance(block, bool) or not isinstance(block, int) or block < 8 or block % 2:
            raise ValueError(f"block_size must be an even int >= 8 (samples), got {block!r}")
        if not 0.0 < step_size < 2.0:
            raise ValueError(f"step_size must be in (0, 2), got {step_size!r}")
        self.filter_length = length
        self.step_size = step_size
        self.block_size = block
        self._double_talk = 10.0 ** (double_talk_db / 10.0)
        self._partitions = -(-length // block)
        self._hangover_blocks = -(-self.sample_rate * HANGOVER_MS // (1000 * block))
        self._max_reference = round(max_reference_s * self.sample_rate)
        self._zeros = np.zeros(block)
        # a tenth of the mean bin power keeps bins the reference hardly excites from blowing up
        self._regularisation = 0.1 / (block + 1)
        self.reset()

    def reset(self) -> None:
        bins = self.block_size + 1
        self._weights = np.zeros((self._partitions, bins), dtype=np.complex128)
        self._spectra = np.zeros((self._partitions, bins), dtype=np.complex128)
        self._power = np.zeros(bins)
        self._frame = np.zeros(2 * self.block_size)  # previous and current reference block
        self._reference = SampleQueue(self._max_reference)
        self.dropped_reference = 0
        self._mic = BlockQueue(self.block_size)
        self._ref_blocks = BlockQueue(self.block_size)
        self._out = OutputQueue(self.block_size)
        self._silent_blocks = self._partitions + 1  # reference blocks of silence in a row
        self._recent_ref_energy = 0.0
        self._enhancement = 1.0  # smoothed mic / error energy while only the far end talks
        self._talk_blocks = 0
        self._blocks = 0
        self._hold_until = 0
        self._turn = 0

    @property
    def delay_samples(self) -> int:
        """How far the output lags the microphone: none while frames are whole blocks,
        ``block_size - 1`` once a frame that is not has been seen."""
        return self._out.delay_samples

    @property
    def filter_taps(self) -> Floats:
        """The current echo path estimate (time domain)."""
        taps = irfft(self._weights, 2 * self.block_size)[:, : self.block_size]
        return taps.reshape(-1)[: self.filter_length]

    def feed_reference(self, pcm: Pcm) -> None:
        """Queue what the loudspeaker plays; it is matched to microphone samples in order, so
        a whole reply may be fed at once. Beyond ``max_reference_s`` queued, the newest
        samples are dropped (and counted in ``dropped_reference``): the queue's head stays
        aligned with the microphone."""
        self.dropped_reference += self._reference.push(as_pcm(pcm, "reference pcm"))

    @property
    def queued_reference(self) -> int:
        """Reference samples fed but not yet matched with microphone audio."""
        return self._reference.size

    def discard_reference(self) -> None:
        """Drop the reference not yet matched (playback was cancelled, e.g. on barge-in); the
        learned echo path is kept."""
        self._reference.clear()

    def process(self, mic_pcm: Pcm) -> Pcm:
        """Remove the echo of the reference from the microphone frame."""
        mic = as_pcm(mic_pcm, "mic_pcm").astype(np.float64)
        reference = self._reference.take(mic.size)
        mic_blocks = self._mic.blocks(mic)
        ref_blocks = self._ref_blocks.blocks(reference)
        if mic_blocks.shape[0] == 1:
            produced = self._block(mic_blocks[0], ref_blocks[0])
        else:
            produced = np.empty(mic_blocks.size)
            size = self.block_size
            for index in range(mic_blocks.shape[0]):
                produced[index * size : (index + 1) * size] = self._block(
                    mic_blocks[index], ref_blocks[index]
                )
        return to_int16(self._out.push_pull(produced, mic.size))

    def _near_end_talking(
        self, mic: Floats, echo: Floats, error: Floats, ref_energy: float
    ) -> bool:
        """Double talk: the microphone is louder than any echo of the recent reference could be
        (louder than the reference itself), or, once the filter has converged, well above the
        echo it predicts; adaptation stays paused ``HANGOVER_MS`` after the last such block.
        A long stretch of "double talk" is taken for a changed echo path: the filter adapts
        again from there."""
        self._blocks += 1
        self._recent_ref_energy = max(self._recent_ref_energy * 0.9, ref_energy)
        mic_energy = float(np.dot(mic, mic))
        echo_energy = float(np.dot(echo, echo))
        talking = mic_energy > self._double_talk * self._recent_ref_energy or (
            self._enhancement > CONVERGED_ERLE and mic_energy > NEAR_END_OVER_ECHO * echo_energy
        )
        if talking:
            self._hold_until = self._blocks + self._hangover_blocks
        if talking or self._blocks < self._hold_until:
            self._talk_blocks += 1
            if self._talk_blocks * self.block_size > self.sample_rate * PATH_CHANGE_S:
                self._enhancement = 1.0
            return True
        self._talk_blocks = 0
        error_energy = float(np.dot(error, error))
        self._enhancement += 0.1 * (mic_energy / (error_energy + 1.0) - self._enhancement)
        return False

    def _block(self, mic: Floats, reference: Floats) -> Floats:
        size = self.block_size
        frame = self._frame
        frame[:size] = frame[size:]
        frame[size:] = reference
        ref_energy = float(np.dot(reference, reference))
        if ref_energy == 0.0:
            self._silent_blocks += 1
            if self._silent_blocks > self._partitions:
                return mic  # no echo can be in flight: skip the filter entirely
        else:
            self._silent_blocks = 0
        spectra = self._spectra
        spectra[1:] = spectra[:-1]
        spectra[0] = rfft(frame)
        echo = irfft((spectra * self._weights).sum(axis=0), 2 * size)[size:]
        error = mic - echo
        if ref_energy == 0.0 or self._near_end_talking(mic, echo, error, ref_energy):
            return error
        latest = np.abs(spectra[0])
        latest *= latest
        power = self._power
        power *= POWER_SMOOTHING
        power += (1.0 - POWER_SMOOTHING) * latest
        error_spectrum = rfft(np.concatenate((self._zeros, error)))
        error_spectrum /= self._partitions * power + (
            self._regularisation * float(power.sum()) + 1.0
        )
        error_spectrum *= self.step_size
        self._weights += spectra.conj() * error_spectrum
        turn = self._turn = (self._turn + 1) % self._partitions
        taps = irfft(self._weights[turn], 2 * size)
        taps[size:] = 0.0
        self._weights[turn] = rfft(taps)
        return error
