"""``python -m bench.audio_dsp`` runs and reports every stage and the chain (figures are for
the benchmark, not asserted here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.append(ROOT)

from bench import audio_dsp  # noqa: E402


def test_the_benchmark_measures_every_stage_and_the_chain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert audio_dsp.main(["--seconds", "1", "--repeat", "1", "--no-save"]) == 0
    table = capsys.readouterr().out
    for stage in ("sinc", "linear", "AEC", "AGC", "denoise", "VAD", "DTMF", "full inbound chain"):
        assert stage in table
    data = audio_dsp.measure(1.0, 1)
    assert data["frames"] == 50
    assert data["chain_us_per_frame"]["cpu_us"] > 0
    assert set(data["stages_us_per_frame"]) == {
        "resample 8k->16k (sinc, 32 taps)",
        "resample 8k->16k (linear)",
        "AEC (NLMS, 64 ms filter)",
        "AGC",
        "denoise (spectral subtraction)",
        "VAD (energy)",
        "DTMF (Goertzel)",
    }
