"""Goertzel DTMF: every key in noise, one report per press, and no false keys."""

from __future__ import annotations

import numpy as np
import pytest

from roomkit_audio.dsp import DTMF_DIGITS, DTMFTone, GoertzelDTMFDetector
from roomkit_audio.dsp import signals as sig
from roomkit_audio.dsp.dtmf import COLUMNS, ROWS


def detect(
    audio: np.ndarray, rate: int, frame: int | None = None, **options: float
) -> list[DTMFTone]:
    detector = GoertzelDTMFDetector(rate, **options)  # type: ignore[arg-type]
    step = frame or rate // 50
    found: list[DTMFTone] = []
    for i in range(0, audio.size, step):
        found += detector.process(audio[i : i + step])
    return found + detector.flush()


def keyed(digits: str, rate: int, tone_s: float = 0.07, gap_s: float = 0.06) -> np.ndarray:
    parts = [sig.silence(0.1, rate)]
    for digit in digits:
        parts += [sig.dtmf_pair(digit, tone_s, rate, level_dbfs=-13.0), sig.silence(gap_s, rate)]
    return np.concatenate(parts)


def with_noise(clean: np.ndarray, rate: int, snr_db: float, seed: int = 0) -> np.ndarray:
    """White noise added at ``snr_db`` below the level of the tones while they sound."""
    tone_level = 10 * np.log10(2 * 10 ** (-13.0 / 10))  # two tones at -13 dBFS each
    noise = sig.white_noise(clean.size / rate, rate, level_dbfs=tone_level - snr_db, seed=seed)
    return np.clip(clean.astype(np.int32) + noise, -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("rate", [8000, 16000, 48000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_all_16_digits_are_detected_at_10_db_snr_in_white_noise(rate: int, seed: int) -> None:
    audio = with_noise(keyed(DTMF_DIGITS, rate), rate, snr_db=10.0, seed=seed)
    found = detect(audio, rate)
    assert "".join(t.digit for t in found) == DTMF_DIGITS == "123A456B789C*0#D"


@pytest.mark.parametrize("frame", [1, 37, 160, 480, None])
def test_one_report_per_key_press_whatever_the_frame_size(frame: int | None) -> None:
    rate = 8000
    audio = keyed("5551234", rate, tone_s=0.1, gap_s=0.1)
    found = detect(audio, rate, frame=frame or audio.size)
    assert "".join(t.digit for t in found) == "5551234"
    for index, tone in enumerate(found):
        assert tone.start_ms == pytest.approx(100 + 200 * index, abs=10)
        assert tone.duration_ms == pytest.approx(100, abs=10)


@pytest.mark.parametrize("duration_ms", [40, 60, 100, 500])
def test_tones_of_40_ms_and_more_are_reported_with_their_duration(duration_ms: int) -> None:
    audio = with_noise(keyed("7#", 16000, tone_s=duration_ms / 1000), 16000, snr_db=20.0)
    found = detect(audio, 16000)
    assert [t.digit for t in found] == ["7", "#"]
    for tone in found:
        assert tone.duration_ms == pytest.approx(duration_ms, abs=10)


def test_tones_much_shorter_than_the_minimum_are_not_keys() -> None:
    assert detect(keyed("123", 8000, tone_s=0.02), 8000) == []
    assert [
        t.digit for t in detect(keyed("123", 8000, tone_s=0.08), 8000, min_duration_ms=100)
    ] == []


@pytest.mark.parametrize("frequency", ROWS + COLUMNS + (350.0, 440.0, 1000.0, 2100.0))
def test_single_tones_are_not_keys(frequency: float) -> None:
    audio = np.concatenate([sig.sine(frequency, 1.0, 8000, level_dbfs=-10), sig.silence(0.1, 8000)])
    assert detect(audio, 8000) == []


@pytest.mark.parametrize("f0", [90.0, 110.0, 130.0, 150.0, 180.0, 220.0, 260.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_speech_like_signals_are_not_keys(f0: float, seed: int) -> None:
    speech = sig.speech_like(3.0, 8000, level_dbfs=-15, f0=f0, seed=seed)
    noisy = with_noise(speech, 8000, snr_db=30.0, seed=seed)
    assert detect(noisy, 8000) == []


def test_two_tones_off_the_keypad_grid_are_not_keys() -> None:
    # a dial tone (350 + 440 Hz) and a pair of tones between the rows and the columns
    for low, high in ((350.0, 440.0), (1000.0, 1100.0), (733.0, 1270.0)):
        pair = sig.sine(low, 0.5, 8000, level_dbfs=-13).astype(np.int32)
        pair += sig.sine(high, 0.5, 8000, level_dbfs=-13)
        assert detect(pair.astype(np.int16), 8000) == [], (low, high)


def test_twist_limits() -> None:
    ok = sig.dtmf_pair("9", 0.1, 8000, level_dbfs=-16, twist_db=4.0)
    too_much = sig.dtmf_pair("9", 0.1, 8000, level_dbfs=-16, twist_db=12.0)
    reverse = sig.dtmf_pair("9", 0.1, 8000, level_dbfs=-10, twist_db=-12.0)
    pad = sig.silence(0.1, 8000)
    assert [t.digit for t in detect(np.concatenate([ok, pad]), 8000)] == ["9"]
    assert detect(np.concatenate([too_much, pad]), 8000) == []
    assert detect(np.concatenate([reverse, pad]), 8000) == []
    assert [t.digit for t in detect(np.concatenate([reverse, pad]), 8000,
                                    max_reverse_twist_db=14.0)] == ["9"]  # fmt: skip


def test_quiet_tones_below_the_minimum_level_are_ignored() -> None:
    quiet = np.concatenate([sig.dtmf_pair("1", 0.1, 8000, level_dbfs=-50), sig.silence(0.1, 8000)])
    assert detect(quiet, 8000) == []
    assert [t.digit for t in detect(quiet, 8000, min_tone_dbfs=-55)] == ["1"]


def test_a_held_key_is_reported_by_flush_and_reset_forgets_it() -> None:
    detector = GoertzelDTMFDetector(8000)
    assert detector.process(sig.dtmf_pair("A", 0.3, 8000)) == []
    [held] = detector.flush()
    assert held.digit == "A" and held.duration_ms == pytest.approx(300, abs=15)
    detector.process(sig.dtmf_pair("B", 0.3, 8000))
    detector.reset()
    assert detector.flush() == []


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="min_duration_ms must be positive"):
        GoertzelDTMFDetector(8000, min_duration_ms=0)
    with pytest.raises(ValueError, match=r"min_energy_ratio must be in \(0, 1\]"):
        GoertzelDTMFDetector(8000, min_energy_ratio=1.5)
