"""NLMS echo cancellation on a simulated echo path (delay plus a decaying response)."""

from __future__ import annotations

import numpy as np
import pytest

from roomkit_audio.dsp import NLMSEchoCanceller
from roomkit_audio.dsp import signals as sig

RATE = 16000


def echo_path(delay_ms: float, tail_ms: float, gain: float, seed: int = 5) -> np.ndarray:
    """An impulse response: silence for ``delay_ms``, then random taps decaying over
    ``tail_ms`` (a room or a handset), scaled to ``gain`` in energy."""
    delay = round(delay_ms * RATE / 1000)
    tail = round(tail_ms * RATE / 1000)
    rng = np.random.default_rng(seed)
    taps = rng.standard_normal(tail) * np.exp(-np.arange(tail) / (tail / 6))
    response = np.zeros(delay + tail)
    response[delay:] = taps * gain / np.sqrt(np.sum(taps**2))
    return response


def far_end(seconds: float, seed: int = 3) -> np.ndarray:
    voice = sig.speech_like(seconds, RATE, level_dbfs=-20, seed=seed).astype(np.int32)
    hiss = sig.white_noise(seconds, RATE, level_dbfs=-40, seed=seed + 1)
    return np.clip(voice + hiss, -32768, 32767).astype(np.int16)


def through(path: np.ndarray, played: np.ndarray, near: np.ndarray | None = None) -> np.ndarray:
    echo = np.convolve(played.astype(np.float64), path)[: played.size]
    mic = echo + sig.white_noise(played.size / RATE, RATE, level_dbfs=-75, seed=11)
    if near is not None:
        mic += near
    return np.clip(np.rint(mic), -32768, 32767).astype(np.int16)


def cancel(aec: NLMSEchoCanceller, played: np.ndarray, mic: np.ndarray, frame: int) -> np.ndarray:
    out = []
    for i in range(0, mic.size, frame):
        aec.feed_reference(played[i : i + frame])
        out.append(aec.process(mic[i : i + frame]))
    return np.concatenate(out)


def erle_db(mic: np.ndarray, out: np.ndarray) -> float:
    m, e = mic.astype(np.float64), out.astype(np.float64)
    return float(10 * np.log10(np.sum(m * m) / np.sum(e * e)))


@pytest.mark.parametrize(
    ("delay_ms", "tail_ms", "gain"), [(10, 30, 0.5), (25, 20, 0.8), (2, 50, 0.3)]
)
@pytest.mark.parametrize("frame_ms", [10, 20])
def test_echo_return_loss_enhancement_reaches_15_db_after_convergence(
    delay_ms: float, tail_ms: float, gain: float, frame_ms: int
) -> None:
    played = far_end(8.0)
    mic = through(echo_path(delay_ms, tail_ms, gain), played)
    out = cancel(NLMSEchoCanceller(RATE), played, mic, RATE * frame_ms // 1000)
    converged = slice(4 * RATE, None)
    assert erle_db(mic[converged], out[converged]) >= 15.0
    assert erle_db(mic[: RATE // 2], out[: RATE // 2]) < erle_db(mic[converged], out[converged])


def test_white_noise_reference_converges_deeper() -> None:
    played = sig.white_noise(4.0, RATE, level_dbfs=-20, seed=2)
    mic = through(echo_path(10, 30, 0.5), played)
    out = cancel(NLMSEchoCanceller(RATE), played, mic, 320)
    assert erle_db(mic[2 * RATE :], out[2 * RATE :]) >= 25.0


def test_the_filter_learns_the_echo_path() -> None:
    path = echo_path(10, 30, 0.5)
    played = sig.white_noise(4.0, RATE, level_dbfs=-20, seed=2)
    aec = NLMSEchoCanceller(RATE)
    cancel(aec, played, through(path, played), 320)
    learned = aec.filter_taps[: path.size]
    misalignment = np.sum((learned - path) ** 2) / np.sum(path**2)
    assert 10 * np.log10(misalignment) < -15.0
    assert int(np.argmax(np.abs(learned))) >= 160  # nothing before the 10 ms delay


def test_near_end_speech_survives_double_talk() -> None:
    played = far_end(8.0)
    path = echo_path(10, 30, 0.5)
    near = np.zeros(played.size)
    talk = slice(5 * RATE, 7 * RATE)
    near[talk] = sig.speech_like(2.0, RATE, level_dbfs=-18, f0=210, seed=9)
    mic = through(path, played, near)
    out = cancel(NLMSEchoCanceller(RATE), played, mic, 320).astype(np.float64)
    echo_only = through(path, played)
    residual_echo = out[talk] - near[talk]
    # the near-end voice comes out far above what is left of the echo
    ratio = 10 * np.log10(np.sum(near[talk] ** 2) / np.sum(residual_echo**2))
    echo_level = 10 * np.log10(np.sum(near[talk] ** 2) / np.sum(echo_only[talk].astype(float) ** 2))
    assert ratio > echo_level + 10.0


def test_without_a_reference_the_microphone_passes_unchanged() -> None:
    aec = NLMSEchoCanceller(RATE)
    voice = sig.speech_like(1.0, RATE, level_dbfs=-20)
    out = np.concatenate([aec.process(voice[i : i + 320]) for i in range(0, voice.size, 320)])
    assert np.array_equal(out, voice)


def test_any_frame_length_returns_as_many_samples_with_a_fixed_delay() -> None:
    played = far_end(3.0)
    mic = through(echo_path(10, 30, 0.5), played)
    aec = NLMSEchoCanceller(RATE)
    sizes = [aec.process(mic[i : i + 100]).size for i in range(0, 3000, 100)]
    assert sizes == [100] * 30
    assert aec.delay_samples == aec.block_size - 1
    aligned = NLMSEchoCanceller(RATE)
    aligned.process(mic[:640])
    assert aligned.delay_samples == 0


def test_reference_fed_in_a_burst_is_matched_in_order_and_can_be_discarded() -> None:
    # TTS hands over its whole reply at once; the speaker plays it over the next frames
    played = far_end(6.0)
    mic = through(echo_path(10, 30, 0.5), played)
    aec = NLMSEchoCanceller(RATE)
    aec.feed_reference(played)
    out = np.concatenate([aec.process(mic[i : i + 320]) for i in range(0, mic.size, 320)])
    assert erle_db(mic[3 * RATE :], out[3 * RATE :]) >= 15.0
    assert aec.queued_reference == 0
    small = NLMSEchoCanceller(RATE, max_reference_s=1.0)
    small.feed_reference(played[: 3 * RATE // 2])
    assert (small.queued_reference, small.dropped_reference) == (RATE, RATE // 2)
    aec.feed_reference(played[:RATE])
    assert aec.queued_reference == RATE
    aec.discard_reference()  # playback cancelled: nothing of it will reach the microphone
    assert aec.queued_reference == 0
    taps = aec.filter_taps.copy()
    voice = sig.speech_like(0.5, RATE, level_dbfs=-20, seed=8)
    out = aec.process(voice)
    # once the echo of what was played has died out, nothing is subtracted any more
    settled = aec.filter_length + aec.block_size
    assert np.array_equal(out[settled:], voice[settled:])
    assert np.array_equal(aec.filter_taps, taps)  # and the echo path is still known


def test_reset_and_bad_settings() -> None:
    aec = NLMSEchoCanceller(RATE)
    aec.feed_reference(far_end(0.5))
    aec.process(far_end(0.5))
    aec.reset()
    assert not np.any(aec.filter_taps)
    with pytest.raises(ValueError, match="step_size must be in"):
        NLMSEchoCanceller(RATE, step_size=2.5)
    with pytest.raises(ValueError, match="filter_length must be a positive int"):
        NLMSEchoCanceller(RATE, filter_length=0)
    with pytest.raises(ValueError, match="unsupported sample_rate 1000 Hz"):
        NLMSEchoCanceller(1000)
