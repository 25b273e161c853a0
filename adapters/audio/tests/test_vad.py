"""Energy VAD: utterance edges on speech-like audio, and silence on noise."""

from __future__ import annotations

import numpy as np
import pytest

from roomkit_audio.dsp import EnergyVAD, VADDecision
from roomkit_audio.dsp import signals as sig

RATE = 16000


def run(vad: EnergyVAD, audio: np.ndarray, frame: int) -> list[VADDecision]:
    found: list[VADDecision] = []
    for i in range(0, audio.size, frame):
        found += vad.process_all(audio[i : i + frame])
    return found


def scene(
    layout: list[tuple[str, float]], noise: str, noise_dbfs: float, rate: int = RATE
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Speech-like segments and pauses over a noise bed; returns the audio and the true
    (start_ms, end_ms) of each segment."""
    parts, truth, at = [], [], 0.0
    for index, (kind, seconds) in enumerate(layout):
        if kind == "speech":
            parts.append(sig.speech_like(seconds, rate, level_dbfs=-20, f0=100 + 20 * index,
                                         seed=index))  # fmt: skip
            truth.append((at * 1000, (at + seconds) * 1000))
        else:
            parts.append(sig.silence(seconds, rate))
        at += seconds
    clean = np.concatenate(parts).astype(np.int32)
    make = sig.white_noise if noise == "white" else sig.pink_noise
    bed = make(clean.size / rate, rate, level_dbfs=noise_dbfs, seed=7)
    return np.clip(clean + bed, -32768, 32767).astype(np.int16), truth


LAYOUT = [
    ("pause", 0.6),
    ("speech", 1.2),
    ("pause", 0.9),
    ("speech", 0.4),
    ("pause", 1.1),
    ("speech", 2.3),
    ("pause", 0.8),
]


@pytest.mark.parametrize(("noise", "noise_dbfs"), [("white", -70), ("white", -45), ("pink", -40)])
@pytest.mark.parametrize("frame_ms", [10, 20, 30])
def test_segments_are_found_within_60_ms_of_their_edges(
    noise: str, noise_dbfs: float, frame_ms: int
) -> None:
    audio, truth = scene(LAYOUT, noise, noise_dbfs)
    vad = EnergyVAD(RATE, silence_threshold_ms=500)
    decisions = run(vad, audio, RATE * frame_ms // 1000)
    assert [d.kind for d in decisions] == ["speech_start", "speech_end"] * len(truth)
    pairs = list(zip(decisions[::2], decisions[1::2], strict=True))
    for (start, end), (opened, closed) in zip(truth, pairs, strict=True):
        assert abs(opened.at_ms - start) <= 60, (opened, start)
        assert abs(closed.at_ms - end) <= 60, (closed, end)
        assert opened.audio is None and closed.audio is not None
    assert not vad.is_speech


@pytest.mark.parametrize(
    "background",
    [
        sig.silence(5.0, RATE),
        sig.white_noise(5.0, RATE, level_dbfs=-60, seed=1),
        sig.white_noise(5.0, RATE, level_dbfs=-30, seed=2),
        sig.pink_noise(5.0, RATE, level_dbfs=-35, seed=3),
        sig.pink_noise(5.0, RATE, level_dbfs=-15, seed=4),
    ],
    ids=["digital-silence", "white-60", "white-30", "pink-35", "pink-15"],
)
def test_nothing_is_reported_on_silence_or_stationary_noise(background: np.ndarray) -> None:
    vad = EnergyVAD(RATE)
    assert run(vad, background, 320) == []
    assert not vad.is_speech


def test_the_utterance_audio_holds_the_pre_roll_and_the_speech() -> None:
    audio, _ = scene([("pause", 1.0), ("speech", 1.0), ("pause", 1.0)], "white", -70)
    vad = EnergyVAD(RATE, pre_roll_ms=200, post_roll_ms=100)
    start, end = run(vad, audio, 320)
    assert end.audio is not None
    utterance = np.frombuffer(end.audio, dtype="<i2")
    # from 200 ms before the detected start to 100 ms after the detected end
    expected = (end.at_ms - start.at_ms + 200 + 100) / 1000 * RATE
    assert utterance.size == pytest.approx(expected, abs=RATE * 0.011)
    first = round((start.at_ms - 200) / 1000 * RATE)
    assert np.array_equal(utterance, audio[first : first + utterance.size])


def test_pauses_shorter_than_the_silence_threshold_do_not_split_an_utterance() -> None:
    layout = [("pause", 0.5), ("speech", 0.8), ("pause", 0.3), ("speech", 0.8), ("pause", 1.0)]
    audio, truth = scene(layout, "white", -60)
    joined = run(EnergyVAD(RATE, silence_threshold_ms=500), audio, 320)
    assert [d.kind for d in joined] == ["speech_start", "speech_end"]
    assert abs(joined[1].at_ms - truth[1][1]) <= 60
    split = run(EnergyVAD(RATE, silence_threshold_ms=200), audio, 320)
    assert [d.kind for d in split] == ["speech_start", "speech_end"] * 2


def test_blips_shorter_than_min_speech_are_ignored() -> None:
    click = sig.speech_like(0.04, RATE, level_dbfs=-10)
    audio = np.concatenate([sig.silence(0.5, RATE), click, sig.silence(1.0, RATE)])
    audio = audio + sig.white_noise(audio.size / RATE, RATE, level_dbfs=-65)
    assert run(EnergyVAD(RATE, min_speech_ms=100), audio, 320) == []
    assert [d.kind for d in run(EnergyVAD(RATE, min_speech_ms=20), audio, 320)] == [
        "speech_start",
        "speech_end",
    ]


def test_process_returns_one_edge_per_call_and_keeps_the_rest() -> None:
    audio, _ = scene([("pause", 0.5), ("speech", 0.5), ("pause", 1.0)], "white", -70)
    vad = EnergyVAD(RATE)
    first = vad.process(audio)  # one call holds both edges
    assert first is not None and first.kind == "speech_start"
    second = vad.process(np.zeros(0, dtype=np.int16))
    assert second is not None and second.kind == "speech_end"
    assert vad.process(np.zeros(160, dtype=np.int16)) is None


def test_level_and_state_properties_follow_the_audio() -> None:
    vad = EnergyVAD(RATE)
    vad.process(sig.sine(300, 0.1, RATE, level_dbfs=-24))
    assert vad.level_db == pytest.approx(-24.0, abs=0.2)
    vad.reset()
    vad.process(sig.white_noise(0.5, RATE, level_dbfs=-50))
    assert not vad.is_speech
    vad.process(sig.speech_like(0.3, RATE, level_dbfs=-15))
    assert vad.is_speech
    assert vad.noise_floor_db < -45.0


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match=r"stop_threshold_db \(9\) must not exceed"):
        EnergyVAD(RATE, start_threshold_db=6, stop_threshold_db=9)
    with pytest.raises(ValueError, match="silence_threshold_ms must not be negative"):
        EnergyVAD(RATE, silence_threshold_ms=-1)


def test_speech_ends_even_when_a_gain_stage_raised_the_noise_meanwhile() -> None:
    # an AGC ahead of the VAD boosted everything by 15 dB during the utterance: the noise
    # after it is louder than the floor measured before it, yet far under the speech
    before = sig.white_noise(1.0, RATE, level_dbfs=-65, seed=1)
    speech = sig.speech_like(1.5, RATE, level_dbfs=-18, seed=2).astype(np.int32)
    speech += sig.white_noise(1.5, RATE, level_dbfs=-50, seed=3)
    after = sig.white_noise(1.5, RATE, level_dbfs=-50, seed=4)
    audio = np.concatenate([before, speech.astype(np.int16), after])
    decisions = run(EnergyVAD(RATE), audio, 320)
    assert [d.kind for d in decisions] == ["speech_start", "speech_end"]
    assert abs(decisions[0].at_ms - 1000) <= 60
    assert abs(decisions[1].at_ms - 2500) <= 60
    # without the peak-relative rule the boosted noise keeps the utterance open
    assert [d.kind for d in run(EnergyVAD(RATE, speech_drop_db=200.0), audio, 320)] == [
        "speech_start"
    ]
