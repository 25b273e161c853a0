"""The SPEC's VoiceChannel and Audio Pipeline sections, run as written, in order, in one
namespace; then its "Testing Voice Pipeline" and voice mock examples.

Examples that load a vendor adapter (Deepgram, ElevenLabs, SherpaOnnx, Speex, RNNoise, local
audio) must either run or stop at the loader with an ImportError naming the extra to install.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

SPEC = Path(__file__).resolve().parents[3] / "shared" / "SPEC.md"
needs_spec = pytest.mark.skipif(
    not SPEC.exists() and not os.environ.get("CI"),
    reason="../shared/SPEC.md is not beside the repository",
)

SCAFFOLD: dict[int, str] = {
    6: """
session = await kit.join(room_id="call-room", channel_id="voice-agent", participant_id="caller-1")
""",
    7: """
from roomkit.providers.ai.mock import MockAIProvider
provider = MockAIProvider(responses=["Hi"])
""",
    11: """
from roomkit.voice.pipeline import (
    MockAECProvider, MockAGCProvider, MockAudioRecorder, MockDenoiserProvider,
    MockDiarizationProvider, MockDTMFDetector, MockResampler, MockTurnDetector, MockVADProvider,
)
from roomkit.voice.pipeline.recorder import RecordingConfig
my_resampler, my_vad_provider = MockResampler(), MockVADProvider()
my_denoiser = MockDenoiserProvider()
my_diarizer, my_aec, my_agc = MockDiarizationProvider(), MockAECProvider(), MockAGCProvider()
my_dtmf_detector, my_recorder = MockDTMFDetector(), MockAudioRecorder()
my_rec_config, my_turn_detector = RecordingConfig(), MockTurnDetector()
""",
}

#: examples that load a vendor adapter by name
VENDOR_EXAMPLES = {2, 3, 4, 13, 14, 15, 17}


def section_examples() -> list[str]:
    text = SPEC.read_text()
    start = text.index("VoiceChannel handles real-time audio conversations")
    end = text.index("RealtimeVoiceChannel connects to speech-to-speech", start)
    return re.findall(r"```python\n(.*?)```", text[start:end], re.S)


def examples_after(heading: str) -> list[str]:
    text = SPEC.read_text()
    start = text.index(heading)
    end = text.index("\n## ", start + len(heading))
    return re.findall(r"```python\n(.*?)```", text[start:end], re.S)


async def run(source: str, namespace: dict[str, Any]) -> None:
    code = compile(source, "<SPEC example>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)
    if result is not None:
        await result


async def eventually(check: Any, limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110 - polling a condition set elsewhere
            await asyncio.sleep(0.005)


@needs_spec
async def test_every_voice_example_runs_in_order() -> None:
    examples = section_examples()
    assert len(examples) == 28, "the voice sections changed; review the scaffolding"
    namespace: dict[str, Any] = {"__name__": "spec_voice"}
    printed = io.StringIO()
    missing_vendor: list[int] = []
    with contextlib.redirect_stdout(printed):
        for index, example in enumerate(examples):
            if index in SCAFFOLD:
                await run(SCAFFOLD[index], namespace)
            if index in VENDOR_EXAMPLES:
                try:
                    await run(example, namespace)
                except ImportError as exc:
                    hint = str(exc)  # the adapter's extra, or the system package it needs
                    assert ("--find-links dist" in hint and "roomkit[" in hint) or (
                        "pip install sounddevice" in hint
                    ), hint
                    missing_vendor.append(index)
                continue
            await run(example, namespace)
    kit = namespace["kit"]
    backend = namespace["backend"]
    session = namespace["session"]
    # the greeting was spoken to the caller, and the DTMF tone went out through the backend
    await eventually(lambda: len(backend.frames_sent_to(session)) > 0)
    assert backend.sent_dtmf[-1][1:] == ("1", 160)
    # the hooks of "Voice Hooks" and "DTMF" are registered and fire on a call
    vad_events = namespace["vad"].events
    assert [e.type.value for e in vad_events if e] == ["speech_start", "speech_end"]
    await kit.close()
    assert missing_vendor, "no vendor example was exercised"


@needs_spec
async def test_the_testing_voice_pipeline_example_passes() -> None:
    namespace: dict[str, Any] = {"__name__": "spec_testing_voice"}
    await run("from roomkit import RoomKit", namespace)
    [example] = examples_after("## Testing Voice Pipeline")
    await run(example, namespace)
    await namespace["test_voice_pipeline"]()


@needs_spec
async def test_the_voice_mock_examples_run() -> None:
    namespace: dict[str, Any] = {"__name__": "spec_voice_mocks"}
    for heading in ("## Mock Pipeline Providers", "## Mock STT/TTS"):
        for example in examples_after(heading):
            await run(example, namespace)
    await run(
        "from roomkit.voice.audio_frame import AudioFrame\naudio_frame = AudioFrame(b'\\0' * 320)\n"
        "session = None",
        namespace,
    )
    [example] = examples_after("## Mock Voice Backend")
    await run(example, namespace)
    assert namespace["backend"].unrouted_frames == 1  # no session open: counted, not lost silently
    assert namespace["stt"].transcriptions == ["Hello", "How are you?"]
