"""Documented vendor names without an installed adapter fail with the extra to install."""

from __future__ import annotations

import pytest

import roomkit.voice

MISSING = [
    ("SherpaOnnxSTTProvider", "get_sherpa_onnx_stt_provider", "sherpa-onnx"),
    ("SherpaOnnxTTSProvider", "get_sherpa_onnx_tts_provider", "sherpa-onnx"),
    ("GradiumSTTProvider", "get_gradium_stt_provider", "gradium"),
    ("GradiumTTSProvider", "get_gradium_tts_provider", "gradium"),
    ("Qwen3ASRProvider", "get_qwen3_asr_provider", "qwen-asr"),
    ("Qwen3TTSProvider", "get_qwen3_tts_provider", "qwen-tts"),
    ("NeuTTSProvider", "get_neutts_provider", "neutts"),
]


@pytest.mark.parametrize(("name", "loader", "extra"), MISSING)
def test_a_missing_vendor_names_its_extra(name: str, loader: str, extra: str) -> None:
    with pytest.raises(ImportError, match=rf"--find-links dist \"roomkit\[{extra}\]\""):
        getattr(roomkit.voice, name)
    with pytest.raises(ImportError, match=rf"--find-links dist \"roomkit\[{extra}\]\""):
        getattr(roomkit.voice, loader)()


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchProvider"):
        roomkit.voice.NoSuchProvider  # noqa: B018
