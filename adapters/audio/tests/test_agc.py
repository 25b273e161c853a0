"""Automatic gain control: speech to the target level, never clipped, pauses not pumped."""

from __future__ import annotations

import numpy as np
import pytest

from roomkit_audio.dsp import AutomaticGainControl, peak_dbfs, rms_dbfs
from roomkit_audio.dsp import signals as sig

RATE = 16000


def run(agc: AutomaticGainControl, audio: np.ndarray, frame: int = 320) -> np.ndarray:
    return np.concatenate([agc.process(audio[i : i + frame]) for i in range(0, audio.size, frame)])


@pytest.mark.parametrize("level", [-45.0, -35.0, -25.0, -10.0, -3.0])
@pytest.mark.parametrize("target", [-18.0, -24.0])
def test_quiet_and_loud_speech_reach_the_target_without_clipping(
    level: float, target: float
) -> None:
    speech = sig.speech_like(6.0, RATE, level_dbfs=level, seed=4)
    out = run(AutomaticGainControl(RATE, target_dbfs=target), speech)
    assert rms_dbfs(out[2 * RATE :]) == pytest.approx(target, abs=1.5)
    assert peak_dbfs(out) <= -1.0 + 0.01  # the default ceiling
    assert np.max(np.abs(out.astype(np.int32))) < 32767


def test_gain_is_limited_by_max_gain() -> None:
    whisper = sig.speech_like(4.0, RATE, level_dbfs=-50.0)
    agc = AutomaticGainControl(RATE, target_dbfs=-18.0, max_gain_db=20.0)
    out = run(agc, whisper)
    assert agc.gain_db == pytest.approx(20.0, abs=0.01)
    assert rms_dbfs(out[2 * RATE :]) == pytest.approx(-30.0, abs=0.5)


def test_a_sudden_loud_burst_is_limited_not_clipped() -> None:
    quiet = sig.speech_like(3.0, RATE, level_dbfs=-40.0, seed=1)
    shout = sig.speech_like(1.0, RATE, level_dbfs=-6.0, seed=2)
    out = run(AutomaticGainControl(RATE), np.concatenate([quiet, shout]))
    assert peak_dbfs(out) <= -1.0 + 0.01
    # the gain was near +22 dB before the shout: the limiter cut it in the very first frame
    assert peak_dbfs(out[3 * RATE : 3 * RATE + 320]) <= -1.0 + 0.01


def test_pauses_and_background_noise_are_not_amplified() -> None:
    speech = sig.speech_like(2.0, RATE, level_dbfs=-30.0)
    hiss = sig.white_noise(3.0, RATE, level_dbfs=-70.0)
    agc = AutomaticGainControl(RATE)
    run(agc, speech)
    gain_after_speech = agc.gain_db
    out = run(agc, hiss)
    assert agc.gain_db == pytest.approx(gain_after_speech)
    assert rms_dbfs(out) == pytest.approx(-70.0 + gain_after_speech, abs=0.5)


def test_gain_moves_smoothly_between_frames() -> None:
    speech = sig.speech_like(3.0, RATE, level_dbfs=-35.0)
    out = run(AutomaticGainControl(RATE), speech).astype(np.float64)
    ratio = out[RATE:] / np.where(speech[RATE:] == 0, 1, speech[RATE:])
    big = np.abs(speech[RATE:]) > 300
    # sample to sample the applied gain changes by well under 1 %
    steps = np.abs(np.diff(ratio[big])) / ratio[big][1:]
    assert np.percentile(steps, 99) < 0.01


def test_frame_size_does_not_matter_much() -> None:
    speech = sig.speech_like(4.0, RATE, level_dbfs=-30.0)
    a = run(AutomaticGainControl(RATE), speech, 160)
    b = run(AutomaticGainControl(RATE), speech, 480)
    assert abs(rms_dbfs(a[2 * RATE :]) - rms_dbfs(b[2 * RATE :])) < 0.3
    assert AutomaticGainControl(RATE).process(speech[:0]).size == 0


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="target_dbfs must be between -60 and 0"):
        AutomaticGainControl(RATE, target_dbfs=3.0)
    with pytest.raises(ValueError, match="attack_ms and release_ms must be positive"):
        AutomaticGainControl(RATE, attack_ms=0)
