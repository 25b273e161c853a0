"""Sample-rate conversion: accuracy on sines, stream continuity, lengths and latency."""

from __future__ import annotations

import numpy as np
import pytest

from roomkit_audio.dsp import LinearResampler, SincResampler
from roomkit_audio.dsp import signals as sig

PAIRS = [
    (8000, 16000),
    (16000, 8000),
    (16000, 24000),
    (24000, 16000),
    (16000, 48000),
    (48000, 16000),
    (44100, 16000),
    (16000, 44100),
    (22050, 8000),
]


def error_db(resampler: LinearResampler | SincResampler, frequency: float) -> float:
    """Error of the resampled sine against the ideal sine at the output rate (delay removed),
    relative to the sine, in dB; the first and last 20 ms are left out."""
    src, dst = resampler.src_rate, resampler.dst_rate
    amplitude = 0.5 * 32767
    t = np.arange(src) / src
    tone = np.rint(amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.int16)
    out = resampler.process(tone).astype(np.float64)
    n = np.arange(out.size)
    ideal = amplitude * np.sin(2 * np.pi * frequency * (n / dst - resampler.delay_samples / src))
    edge = dst // 50
    error = out[edge:-edge] - ideal[edge:-edge]
    return float(10 * np.log10(np.mean(error**2) / np.mean(ideal[edge:-edge] ** 2)))


IN_PASSBAND = [
    (src, dst, frequency)
    for src, dst in PAIRS
    for frequency in (100.0, 440.0, 1000.0, 2500.0, 5000.0)
    if frequency <= 0.33 * min(src, dst)  # within the passband of the lower rate
]


@pytest.mark.parametrize(("src", "dst", "frequency"), IN_PASSBAND)
def test_sinc_error_on_a_sine_is_below_minus_60_db(src: int, dst: int, frequency: float) -> None:
    assert error_db(SincResampler(src, dst), frequency) < -60.0


def test_linear_error_is_bounded_and_grows_with_frequency() -> None:
    # linear interpolation: fine far below Nyquist, poor near it; the figures are in the docs
    figures = {f: error_db(LinearResampler(8000, 16000), f) for f in (100.0, 440.0, 1000.0, 3000.0)}
    assert figures[100.0] < -45.0
    assert figures[440.0] < -35.0
    assert figures[1000.0] < -20.0
    assert figures[3000.0] < -3.0
    assert figures[100.0] < figures[440.0] < figures[1000.0] < figures[3000.0]
    # decimation needs no interpolation when the ratio is whole
    assert error_db(LinearResampler(16000, 8000), 1000.0) < -80.0


def test_the_sinc_filter_removes_what_the_lower_rate_cannot_carry() -> None:
    # 6 kHz cannot exist at 8 kHz: downsampling must suppress it, not fold it to 2 kHz
    tone = sig.sine(6000.0, 1.0, 16000, level_dbfs=-10.0)
    out = SincResampler(16000, 8000).process(tone).astype(np.float64)[400:-400]
    assert 10 * np.log10(max(float(np.mean(out**2)), 1e-12) / 32768**2) < -10.0 - 50.0


@pytest.mark.parametrize("cls", [SincResampler, LinearResampler])
@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_frame_by_frame_output_equals_whole_signal_output(
    cls: type[SincResampler], src: int, dst: int
) -> None:
    signal = sig.speech_like(0.5, src, level_dbfs=-12.0, seed=3)
    whole = cls(src, dst).process(signal)
    for frame in (src // 50, src // 100, 37):
        resampler = cls(src, dst)
        pieces = [resampler.process(signal[i : i + frame]) for i in range(0, signal.size, frame)]
        assert np.array_equal(np.concatenate(pieces), whole), frame
    one_by_one = cls(src, dst)
    pieces = [one_by_one.process(signal[i : i + 1]) for i in range(1000)]
    assert np.array_equal(np.concatenate(pieces), cls(src, dst).process(signal[:1000]))
    uneven = cls(src, dst)
    cuts = np.cumsum(np.random.default_rng(0).integers(0, 300, size=200))
    pieces = [uneven.process(part) for part in np.split(signal, cuts[cuts < signal.size])]
    assert np.array_equal(np.concatenate(pieces), whole)


@pytest.mark.parametrize("cls", [SincResampler, LinearResampler])
def test_frames_come_out_at_the_new_rate_with_a_fixed_delay(cls: type[SincResampler]) -> None:
    resampler = cls(8000, 16000)
    sizes = [resampler.process(np.zeros(160, dtype=np.int16)).size for _ in range(10)]
    assert sizes == [320] * 10
    down = cls(48000, 16000)
    total = sum(down.process(np.zeros(479, dtype=np.int16)).size for _ in range(100))
    assert total == down.output_length(47900) == -(-47900 // 3)
    assert resampler.latency_ms == 1000.0 * resampler.delay_samples / 8000


def test_an_impulse_comes_out_after_the_stated_delay() -> None:
    resampler = SincResampler(16000, 16000 * 3)
    impulse = np.zeros(400, dtype=np.int16)
    impulse[100] = 30000
    out = resampler.process(impulse)
    assert int(np.argmax(out)) == 3 * (100 + resampler.delay_samples)


@pytest.mark.parametrize("cls", [SincResampler, LinearResampler])
def test_flush_returns_what_the_delay_held_back(cls: type[SincResampler]) -> None:
    resampler = cls(8000, 16000)
    impulse = np.zeros(160, dtype=np.int16)
    impulse[-1] = 20000  # the very last sample of the stream
    body = resampler.process(impulse)
    assert body.max() < 15000  # not out yet (at most half of it): it is within the delay
    tail = resampler.flush()
    assert tail.size == 2 * resampler.delay_samples
    whole = np.concatenate([body, tail])
    assert int(np.argmax(whole)) == 2 * (159 + resampler.delay_samples)  # at the stated delay
    assert resampler.process(impulse).size == 320  # reset: a new stream


def test_reset_forgets_the_stream_and_equal_rates_pass_through() -> None:
    signal = sig.white_noise(0.1, 16000, level_dbfs=-20.0)
    resampler = SincResampler(16000, 8000)
    first = resampler.process(signal)
    resampler.process(signal)
    resampler.reset()
    assert np.array_equal(resampler.process(signal), first)
    same = SincResampler(16000, 16000)
    assert np.array_equal(same.process(signal), signal)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="taps must be an even int >= 4"):
        SincResampler(8000, 16000, taps=7)
    with pytest.raises(ValueError, match=r"rolloff must be in \[0.5, 1\)"):
        SincResampler(8000, 16000, rolloff=1.2)
    with pytest.raises(ValueError, match="unsupported dst_rate 12345 Hz"):
        LinearResampler(8000, 12345)
