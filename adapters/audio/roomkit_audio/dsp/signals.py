"""Seeded test signals (int16 mono) for tests, benchmarks and documentation examples.

``level_dbfs`` is always the RMS level of the result in the convention of ``levels.rms_dbfs``.
"""

from __future__ import annotations

import numpy as np

from roomkit_audio.dsp.pcm import FULL_SCALE, Floats, Pcm, check_rate, to_int16

DTMF_ROWS = (697.0, 770.0, 852.0, 941.0)
DTMF_COLUMNS = (1209.0, 1336.0, 1477.0, 1633.0)
DTMF_KEYPAD = ("123A", "456B", "789C", "*0#D")


def _count(duration_s: float, sample_rate: int) -> int:
    check_rate(sample_rate)
    if duration_s < 0:
        raise ValueError(f"duration_s must not be negative, got {duration_s!r}")
    return round(duration_s * sample_rate)


def _scaled(samples: Floats, level_dbfs: float) -> Pcm:
    rms = float(np.sqrt(np.mean(samples * samples))) if samples.size else 0.0
    if rms == 0.0:
        return to_int16(samples)
    return to_int16(samples * (FULL_SCALE * 10.0 ** (level_dbfs / 20.0) / rms))


def silence(duration_s: float, sample_rate: int) -> Pcm:
    return np.zeros(_count(duration_s, sample_rate), dtype=np.int16)


def sine(
    frequency: float,
    duration_s: float,
    sample_rate: int,
    *,
    level_dbfs: float = -10.0,
    phase: float = 0.0,
) -> Pcm:
    t = np.arange(_count(duration_s, sample_rate)) / sample_rate
    amplitude = FULL_SCALE * np.sqrt(2.0) * 10.0 ** (level_dbfs / 20.0)
    return to_int16(amplitude * np.sin(2.0 * np.pi * frequency * t + phase))


def dtmf_frequencies(digit: str) -> tuple[float, float]:
    """The (row, column) frequencies of a key of the 16-key pad."""
    for row, keys in enumerate(DTMF_KEYPAD):
        column = keys.find(digit.upper()) if len(digit) == 1 else -1
        if column >= 0:
            return DTMF_ROWS[row], DTMF_COLUMNS[column]
    raise ValueError(f"not a DTMF digit: {digit!r} (expected one of 0-9, *, #, A-D)")


def dtmf_pair(
    digit: str,
    duration_s: float,
    sample_rate: int,
    *,
    level_dbfs: float = -10.0,
    twist_db: float = 0.0,
) -> Pcm:
    """Both tones of ``digit``, each at ``level_dbfs``; ``twist_db`` raises the column tone."""
    low, high = dtmf_frequencies(digit)
    t = np.arange(_count(duration_s, sample_rate)) / sample_rate
    amplitude = FULL_SCALE * np.sqrt(2.0) * 10.0 ** (level_dbfs / 20.0)
    tones = np.sin(2.0 * np.pi * low * t) + 10.0 ** (twist_db / 20.0) * np.sin(
        2.0 * np.pi * high * t
    )
    return to_int16(amplitude * tones)


def white_noise(
    duration_s: float, sample_rate: int, *, level_dbfs: float = -40.0, seed: int = 0
) -> Pcm:
    rng = np.random.default_rng(seed)
    return _scaled(rng.standard_normal(_count(duration_s, sample_rate)), level_dbfs)


def pink_noise(
    duration_s: float, sample_rate: int, *, level_dbfs: float = -40.0, seed: int = 0
) -> Pcm:
    """Noise whose power falls 3 dB per octave (white noise shaped by 1/sqrt(f) in frequency)."""
    count = _count(duration_s, sample_rate)
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(count))
    frequencies = np.arange(spectrum.size, dtype=np.float64)
    frequencies[0] = 1.0
    return _scaled(np.fft.irfft(spectrum / np.sqrt(frequencies), n=count), level_dbfs)


def speech_like(
    duration_s: float,
    sample_rate: int,
    *,
    level_dbfs: float = -20.0,
    f0: float = 120.0,
    syllables_per_s: float = 4.0,
    seed: int = 0,
) -> Pcm:
    """A voiced-speech stand-in: a harmonic series on a wandering pitch, shaped by three
    formant bumps, amplitude-modulated at syllable rate (never fully silent inside), with
    10 ms fades at both ends."""
    count = _count(duration_s, sample_rate)
    rng = np.random.default_rng(seed)
    t = np.arange(count) / sample_rate
    pitch = f0 * (1.0 + 0.08 * np.sin(2.0 * np.pi * 0.7 * t + rng.uniform(0, 6.28)))
    pitch *= 1.0 + 0.01 * np.sin(2.0 * np.pi * 5.0 * t)
    phase = 2.0 * np.pi * np.cumsum(pitch) / sample_rate
    formants = np.array([500.0, 1500.0, 2500.0])
    voiced = np.zeros(count)
    nyquist = sample_rate / 2.0
    for harmonic in range(1, int(nyquist / (f0 * 0.9))):
        centre = harmonic * f0
        if centre >= nyquist * 0.95:
            break
        gain = np.sum(np.exp(-(((centre - formants) / 250.0) ** 2))) + 0.05
        voiced += gain / harmonic**0.5 * np.sin(harmonic * phase)
    syllable_phase = rng.uniform(0.0, 2.0 * np.pi)
    envelope = 0.6 + 0.4 * np.sin(2.0 * np.pi * syllables_per_s * t + syllable_phase)
    fade = min(count // 2, round(0.01 * sample_rate))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        envelope[:fade] *= ramp
        envelope[count - fade :] *= ramp[::-1]
    return _scaled(voiced * envelope, level_dbfs)
