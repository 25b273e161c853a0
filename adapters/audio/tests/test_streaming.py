"""Every stage is a stream: cutting the same audio into frames of other sizes changes nothing
but, for the block-based stages, a fixed delay that the stage reports."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from roomkit_audio.dsp import (
    AutomaticGainControl,
    EnergyVAD,
    GoertzelDTMFDetector,
    NLMSEchoCanceller,
    SincResampler,
    SpectralSubtractionDenoiser,
)
from roomkit_audio.dsp import signals as sig

RATE = 16000
FRAMES = [7, 160, 333, 320, 4000]


def call() -> np.ndarray:
    parts = [
        sig.silence(0.4, RATE),
        sig.speech_like(0.8, RATE, level_dbfs=-20),
        sig.silence(0.6, RATE),
        sig.dtmf_pair("#", 0.1, RATE),
        sig.silence(0.7, RATE),
    ]
    audio = np.concatenate(parts).astype(np.int32)
    audio += sig.white_noise(audio.size / RATE, RATE, level_dbfs=-60)
    return audio.astype(np.int16)


def chunks(audio: np.ndarray, size: int) -> list[np.ndarray]:
    return [audio[i : i + size] for i in range(0, audio.size, size)]


@pytest.mark.parametrize("size", FRAMES)
def test_vad_and_dtmf_decide_the_same_whatever_the_frame_size(size: int) -> None:
    audio = call()
    vad, dtmf = EnergyVAD(RATE), GoertzelDTMFDetector(RATE)
    edges, keys = [], []
    for frame in chunks(audio, size):
        edges += vad.process_all(frame)
        keys += dtmf.process(frame)
    reference_vad = EnergyVAD(RATE)
    assert edges == reference_vad.process_all(audio)
    assert keys == GoertzelDTMFDetector(RATE).process(audio)
    assert [k.digit for k in keys] == ["#"]
    assert [e.kind for e in edges] == ["speech_start", "speech_end"] * 2


@pytest.mark.parametrize("size", FRAMES)
def test_denoiser_and_echo_canceller_differ_only_by_their_reported_delay(size: int) -> None:
    audio = call()
    played = sig.speech_like(audio.size / RATE, RATE, level_dbfs=-20, seed=5)
    for make in (SpectralSubtractionDenoiser, NLMSEchoCanceller):
        whole = make(RATE)
        if isinstance(whole, NLMSEchoCanceller):
            whole.feed_reference(played)
        expected = whole.process(audio)
        stage = make(RATE)
        out = []
        for start in range(0, audio.size, size):
            if isinstance(stage, NLMSEchoCanceller):
                stage.feed_reference(played[start : start + size])
            out.append(stage.process(audio[start : start + size]))
        got = np.concatenate(out)
        assert got.size == audio.size
        delay = stage.delay_samples - whole.delay_samples
        assert delay >= 0
        assert np.array_equal(got[delay:], expected[: expected.size - delay]), make.__name__


def test_a_deep_copy_is_an_independent_stream() -> None:
    # a pipeline may configure one instance and copy it for every session
    audio = call()
    for make in (
        lambda: SincResampler(16000, 8000),
        lambda: EnergyVAD(RATE),
        lambda: AutomaticGainControl(RATE),
        lambda: NLMSEchoCanceller(RATE),
        lambda: SpectralSubtractionDenoiser(RATE),
        lambda: GoertzelDTMFDetector(RATE),
    ):
        template = make()
        used = copy.deepcopy(template)
        first = used.process(audio[:8000])
        used.process(audio[8000:])  # the copy moves on; the template must not
        fresh = copy.deepcopy(template).process(audio[:8000])
        if isinstance(first, np.ndarray):
            assert np.array_equal(first, fresh)
        else:
            assert first == fresh
