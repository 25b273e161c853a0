"""Input checks shared by every stage, PCM byte views and the level meters."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from roomkit_audio.dsp import (
    AutomaticGainControl,
    EnergyVAD,
    GoertzelDTMFDetector,
    LinearResampler,
    NLMSEchoCanceller,
    SincResampler,
    SpectralSubtractionDenoiser,
    as_pcm,
    check_rate,
    pcm_from_bytes,
    peak_dbfs,
    rms_dbfs,
)
from roomkit_audio.dsp import signals as sig
from roomkit_audio.dsp.levels import SILENCE_DBFS

STAGES = {
    "sinc": lambda: SincResampler(8000, 16000),
    "linear": lambda: LinearResampler(16000, 8000),
    "vad": lambda: EnergyVAD(16000),
    "agc": lambda: AutomaticGainControl(16000),
    "aec": lambda: NLMSEchoCanceller(16000),
    "denoise": lambda: SpectralSubtractionDenoiser(16000),
    "dtmf": lambda: GoertzelDTMFDetector(16000),
}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    ("bad", "complaint"),
    [
        (np.zeros(160, dtype=np.float32), "dtype int16"),
        (np.zeros(160, dtype=np.int32), "dtype int16"),
        (np.zeros((80, 2), dtype=np.int16), "1-D"),
        (b"\x00\x00" * 80, "numpy int16 array"),
    ],
)
def test_every_stage_refuses_bad_frames_by_name(stage: str, bad: object, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        STAGES[stage]().process(bad)  # type: ignore[attr-defined]


def test_the_echo_canceller_checks_its_reference_too() -> None:
    with pytest.raises(ValueError, match="reference pcm must have dtype int16"):
        NLMSEchoCanceller(16000).feed_reference(np.zeros(160, dtype=np.float64))


@pytest.mark.parametrize(
    "make",
    [
        lambda rate: SincResampler(rate, 16000),
        lambda rate: SincResampler(16000, rate),
        lambda rate: LinearResampler(rate, 8000),
        lambda rate: EnergyVAD(rate),
        lambda rate: AutomaticGainControl(rate),
        lambda rate: NLMSEchoCanceller(rate),
        lambda rate: SpectralSubtractionDenoiser(rate),
        lambda rate: GoertzelDTMFDetector(rate),
    ],
)
@pytest.mark.parametrize("rate", [7999, 0, -16000, 96000])
def test_unknown_rates_are_refused_with_the_supported_list(make: object, rate: int) -> None:
    with pytest.raises(ValueError, match=rf"unsupported \w+ {rate} Hz \(supported: 8000, "):
        make(rate)  # type: ignore[operator]


def test_rates_must_be_ints() -> None:
    with pytest.raises(ValueError, match=r"must be an int in Hz, got 16000\.0"):
        check_rate(16000.0)
    with pytest.raises(ValueError, match="must be an int in Hz, got True"):
        check_rate(True)
    assert check_rate(np.int64(48000)) == 48000


def test_pcm_bytes_become_a_view_and_odd_counts_are_refused() -> None:
    data = bytearray(np.array([1, -2, 32767, -32768], dtype="<i2").tobytes())
    view = pcm_from_bytes(data)
    assert view.dtype == np.int16
    assert view.tolist() == [1, -2, 32767, -32768]
    data[0] = 5
    assert view[0] == 5  # no copy was made
    with pytest.raises(ValueError, match=r"odd byte count \(3\)"):
        pcm_from_bytes(b"\x00\x01\x02")
    assert as_pcm(view) is view


def test_levels_of_known_signals() -> None:
    full_scale_sine = sig.sine(1000, 1.0, 16000, level_dbfs=-3.0103)
    assert peak_dbfs(full_scale_sine) == pytest.approx(0.0, abs=0.01)
    assert rms_dbfs(full_scale_sine) == pytest.approx(-3.01, abs=0.01)
    square = np.array([32767, -32768] * 100, dtype=np.int16)
    assert rms_dbfs(square) == pytest.approx(0.0, abs=0.001)
    assert rms_dbfs(sig.silence(0.1, 8000)) == SILENCE_DBFS
    assert peak_dbfs(np.zeros(0, dtype=np.int16)) == SILENCE_DBFS
    assert peak_dbfs(np.array([-32768], dtype=np.int16)) == 0.0
    with pytest.raises(ValueError, match="dtype int16"):
        rms_dbfs(np.zeros(4))


def test_generated_signals_have_the_requested_level_and_are_seeded() -> None:
    for make in (sig.white_noise, sig.pink_noise, sig.speech_like):
        a = make(1.0, 16000, level_dbfs=-30.0, seed=4)
        assert a.dtype == np.int16 and a.size == 16000
        assert rms_dbfs(a) == pytest.approx(-30.0, abs=0.05)
        assert np.array_equal(a, make(1.0, 16000, level_dbfs=-30.0, seed=4))
        assert not np.array_equal(a, make(1.0, 16000, level_dbfs=-30.0, seed=5))
    assert rms_dbfs(sig.sine(440, 1.0, 8000, level_dbfs=-12.0)) == pytest.approx(-12.0, abs=0.01)
    # each tone of a DTMF pair at -10 dBFS: the pair is 3 dB louder
    assert rms_dbfs(sig.dtmf_pair("5", 1.0, 8000)) == pytest.approx(-7.0, abs=0.1)
    with pytest.raises(ValueError, match="not a DTMF digit: 'E'"):
        sig.dtmf_pair("E", 0.1, 8000)
    with pytest.raises(ValueError, match="duration_s must not be negative"):
        sig.silence(-1.0, 8000)


def test_pink_noise_falls_3_db_per_octave() -> None:
    noise = sig.pink_noise(8.0, 16000, level_dbfs=-20.0, seed=1).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(noise)) ** 2
    freqs = np.fft.rfftfreq(noise.size, 1 / 16000)

    def band(low: float) -> float:
        return float(spectrum[(freqs >= low) & (freqs < 2 * low)].mean())

    assert 10 * np.log10(band(500) / band(1000)) == pytest.approx(3.0, abs=0.5)
    assert 10 * np.log10(band(1000) / band(2000)) == pytest.approx(3.0, abs=0.5)


def test_the_dsp_package_imports_nothing_from_the_roomkit_core() -> None:
    code = (
        "import sys, roomkit_audio.dsp\n"
        "core = [m for m in sys.modules if m == 'roomkit' or m.startswith('roomkit.')]\n"
        "assert not core, core\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_stages_take_views_of_pcm_bytes_as_they_arrive_from_a_backend() -> None:
    frame_bytes = sig.speech_like(0.02, 8000, level_dbfs=-20).astype("<i2").tobytes()
    frame = pcm_from_bytes(frame_bytes)
    assert not frame.flags.writeable  # a view of the immutable bytes, not a copy
    for stage in STAGES.values():
        out = stage().process(frame)  # type: ignore[attr-defined]
        assert out is None or isinstance(out, list | np.ndarray)
    with pytest.raises(ValueError, match=r"odd byte count \(321\)"):
        pcm_from_bytes(frame_bytes + b"\x00")
