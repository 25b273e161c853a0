"""Acoustic echo cancellation with a partitioned-block frequency-domain NLMS filter.

The echo path from the loudspeaker (``feed_reference``) to the microphone is modelled as an
FIR filter of ``filter_length`` samples, split into partitions of one block each. Per block,
the echo estimate is the sum of the partitions' products with the spectra of the recent
reference blocks (overlap-save, FFT size two blocks); the error (microphone minus estimate)
is the output and drives a normalised LMS update of every partition in the frequency domain,
with the gradient constraint that keeps each partition a linear (not circular) convolution.
Adaptation pauses while the reference is silent and while the near end talks over it
(the microphone louder than the echo could be).
"""

from __future__ import annotations

import numpy as np

from roomkit_audio.dsp._stream import BlockQueue, OutputQueue
from roomkit_audio.dsp.pcm import Floats, Pcm, as_pcm, check_rate, to_int16


class NLMSEchoCanceller:
    def __init__(
        self,
        sample_rate: int,
        filter_length: int | None = None,
        step_size: float = 0.5,
        *,
        block_size: int | None = None,
        max_reference_s: float = 5.0,
        double_talk_ratio: float = 2.0,
    ) -> None:
        self.sample_rate = check_rate(sample_rate)
        block = self.sample_rate // 50 if block_size is None else block_size
        length = self.sample_rate * 64 // 1000 if filter_length is None else filter_length
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ValueError(f"filter_length must be a positive int (samples), got {length!r}")
        if isinstance(block, bool) or not isinstance(block, int) or block < 8:
            raise ValueError(f"block_size must be an int >= 8 (samples), got {block!r}")
        if not 0.0 < step_size < 2.0:
            raise ValueError(f"step_size must be in (0, 2), got {step_size!r}")
        self.filter_length = length
        self.step_size = step_size
        self.block_size = block
        self.double_talk_ratio = double_talk_ratio
        self._partitions = -(-length // block)
        self._max_reference = round(max_reference_s * self.sample_rate)
        self.reset()

    def reset(self) -> None:
        bins = self.block_size + 1
        self._weights = np.zeros((self._partitions, bins), dtype=np.complex128)
        self._spectra = np.zeros((self._partitions, bins), dtype=np.complex128)
        self._power = np.zeros(bins)
        self._previous: Floats = np.zeros(self.block_size)
        self._reference: Floats = np.zeros(0)
        self._mic = BlockQueue(self.block_size)
        self._ref_blocks = BlockQueue(self.block_size)
        self._out = OutputQueue()
        self._silent_blocks = self._partitions  # reference blocks of silence in a row
        self._echo_peak = 0.0
        self._turn = 0

    @property
    def delay_samples(self) -> int:
        """Delay added by frames that are not whole blocks (0 for multiples of 10 ms)."""
        return self._out.delay_samples

    @property
    def filter_taps(self) -> Floats:
        """The current echo path estimate (time domain)."""
        taps = np.fft.irfft(self._weights, n=2 * self.block_size, axis=1)[:, : self.block_size]
        return taps.reshape(-1)[: self.filter_length]

    def feed_reference(self, pcm: Pcm) -> None:
        """Queue what the loudspeaker played; it is matched to microphone samples in order."""
        samples = as_pcm(pcm, "reference pcm").astype(np.float64)
        self._reference = np.concatenate((self._reference, samples))
        if self._reference.size > self._max_reference:
            self._reference = self._reference[-self._max_reference :]

    def process(self, mic_pcm: Pcm) -> Pcm:
        """Remove the echo of the reference from the microphone frame."""
        mic = as_pcm(mic_pcm, "mic_pcm").astype(np.float64)
        taken = min(mic.size, self._reference.size)
        reference = self._reference[:taken]
        self._reference = self._reference[taken:]
        if taken < mic.size:
            reference = np.concatenate((reference, np.zeros(mic.size - taken)))
        mic_blocks = self._mic.blocks(mic)
        ref_blocks = self._ref_blocks.blocks(reference)
        produced = np.empty(mic_blocks.size)
        size = self.block_size
        for index in range(mic_blocks.shape[0]):
            produced[index * size : (index + 1) * size] = self._block(
                mic_blocks[index], ref_blocks[index]
            )
        return to_int16(self._out.push_pull(produced, mic.size))

    def _block(self, mic: Floats, reference: Floats) -> Floats:
        size = self.block_size
        ref_energy = float(np.dot(reference, reference))
        self._silent_blocks = self._silent_blocks + 1 if ref_energy == 0.0 else 0
        if self._silent_blocks > self._partitions:
            self._previous = reference
            return mic  # no echo can be in flight: skip the filter entirely
        spectra = self._spectra
        spectra[1:] = spectra[:-1]
        spectra[0] = np.fft.rfft(np.concatenate((self._previous, reference)))
        self._previous = reference
        estimate = np.fft.irfft(np.einsum("pk,pk->k", spectra, self._weights), n=2 * size)[size:]
        error = mic - estimate
        latest = spectra[0].real ** 2 + spectra[0].imag ** 2
        self._power *= 0.8
        self._power += 0.2 * latest
        mic_peak = float(np.max(np.abs(mic)))
        self._echo_peak = max(self._echo_peak * 0.995, float(np.max(np.abs(reference))))
        near_end_talking = mic_peak > self.double_talk_ratio * self._echo_peak
        if ref_energy > 0.0 and not near_end_talking:
            error_spectrum = np.fft.rfft(np.concatenate((np.zeros(size), error)))
            floor = 1e-3 * float(self._power.mean()) + 1.0
            gain = self.step_size / (self._partitions * self._power + floor)
            self._weights += np.conj(spectra) * (error_spectrum * gain)
            # the constraint on one partition per block, in turn, keeps the cost flat
            turn = self._turn = (self._turn + 1) % self._partitions
            taps = np.fft.irfft(self._weights[turn], n=2 * size)
            taps[size:] = 0.0
            self._weights[turn] = np.fft.rfft(taps)
        return error
