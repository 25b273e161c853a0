"""Spectral subtraction: a measured SNR gain on tones and speech in noise."""

from __future__ import annotations

import numpy as np
import pytest

from roomkit_audio.dsp import SpectralSubtractionDenoiser, rms_dbfs
from roomkit_audio.dsp import signals as sig

RATE = 16000


def run(denoiser: SpectralSubtractionDenoiser, audio: np.ndarray, frame: int = 320) -> np.ndarray:
    out = [denoiser.process(audio[i : i + frame]) for i in range(0, audio.size, frame)]
    return np.concatenate(out)


def snr_db(output: np.ndarray, clean: np.ndarray) -> float:
    """The part of ``output`` that is a scaled copy of ``clean`` against everything else."""
    y, c = output.astype(np.float64), clean.astype(np.float64)
    scale = np.dot(y, c) / np.dot(c, c)
    rest = y - scale * c
    return float(10 * np.log10(np.sum((scale * c) ** 2) / np.sum(rest**2)))


def noisy(clean: np.ndarray, noise_dbfs: float, kind: str = "white") -> np.ndarray:
    make = sig.white_noise if kind == "white" else sig.pink_noise
    noise = make(clean.size / RATE, RATE, level_dbfs=noise_dbfs, seed=2)
    return np.clip(clean.astype(np.int32) + noise, -32768, 32767).astype(np.int16)


def tone_bursts(frequency: float) -> np.ndarray:
    on = sig.sine(frequency, 0.5, RATE, level_dbfs=-20.0)
    return np.concatenate([sig.silence(1.0, RATE)] + [on, sig.silence(0.5, RATE)] * 4)


@pytest.mark.parametrize("frequency", [440.0, 1000.0, 2500.0])
@pytest.mark.parametrize("noise_dbfs", [-25.0, -30.0])
def test_tone_in_white_noise_gains_at_least_10_db_of_snr(
    frequency: float, noise_dbfs: float
) -> None:
    clean = tone_bursts(frequency)
    mixture = noisy(clean, noise_dbfs)
    denoiser = SpectralSubtractionDenoiser(RATE)
    out = run(denoiser, mixture)[denoiser.hop :]  # one hop of latency
    before = snr_db(mixture[: out.size], clean[: out.size])
    after = snr_db(out, clean[: out.size])
    assert after - before >= 10.0, (before, after)


def test_speech_in_pink_noise_gains_snr() -> None:
    speech = np.concatenate([sig.silence(1.0, RATE), sig.speech_like(3.0, RATE, level_dbfs=-22)])
    mixture = noisy(speech, -35.0, "pink")
    denoiser = SpectralSubtractionDenoiser(RATE)
    out = run(denoiser, mixture)[denoiser.hop :]
    assert snr_db(out, speech[: out.size]) - snr_db(mixture[: out.size], speech[: out.size]) >= 2.0


def test_noise_alone_is_attenuated_by_the_floor_not_muted() -> None:
    hiss = sig.white_noise(3.0, RATE, level_dbfs=-40.0)
    out = run(SpectralSubtractionDenoiser(RATE, floor_db=-20.0), hiss)
    reduction = rms_dbfs(hiss[RATE:]) - rms_dbfs(out[RATE:])
    assert 10.0 <= reduction <= 22.0


def test_output_matches_input_length_for_any_frame_and_keeps_silence() -> None:
    denoiser = SpectralSubtractionDenoiser(RATE)
    sizes = [denoiser.process(np.zeros(n, dtype=np.int16)).size for n in (1, 7, 160, 333, 320)]
    assert sizes == [1, 7, 160, 333, 320]
    assert not np.any(run(SpectralSubtractionDenoiser(RATE), sig.silence(1.0, RATE)))
    assert denoiser.latency_ms >= 10.0


def test_a_clean_signal_passes_nearly_unchanged() -> None:
    # a voice far above a faint noise floor: the gain stays near 1 where the voice is
    speech = np.concatenate([sig.silence(1.0, RATE), sig.speech_like(3.0, RATE, level_dbfs=-20)])
    mixture = noisy(speech, -80.0)
    denoiser = SpectralSubtractionDenoiser(RATE)
    out = run(denoiser, mixture)[denoiser.hop :]
    assert snr_db(out[RATE:], speech[RATE : out.size]) > 20.0


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="oversubtraction must be positive"):
        SpectralSubtractionDenoiser(RATE, oversubtraction=0)
    with pytest.raises(ValueError, match="floor_db must be at most 0 dB"):
        SpectralSubtractionDenoiser(RATE, floor_db=3)
