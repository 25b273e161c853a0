"""The voice mocks pass their ports' contract suites (scripted for the suites' signals)."""

from __future__ import annotations

import pytest

from roomkit.domain.voice import AudioFrame, DTMFEvent, VADEvent, VADEventType, VoiceSession
from roomkit.plugins.builtin.mock_speech import MockSTTProvider, MockTTSProvider
from roomkit.plugins.builtin.mock_voice_backend import MockVoiceBackend
from roomkit.plugins.builtin.mock_voice_stages import (
    MockAECProvider,
    MockDTMFDetector,
    MockVADProvider,
)
from roomkit_contracts import (
    AECProviderContract,
    BackendScenario,
    DTMFDetectorContract,
    STTProviderContract,
    STTScenario,
    TTSProviderContract,
    VADProviderContract,
    VoiceBackendContract,
)
from roomkit_contracts import dtmf as dtmf_suite
from roomkit_contracts import vad as vad_suite


def scripted_vad() -> MockVADProvider:
    """Scripted as a VAD with a 500 ms silence threshold would hear the suite's layout."""
    total = vad_suite.OFFSET_FRAME + vad_suite.TRAILING_SILENCE_FRAMES
    events: list[VADEvent | None] = [None] * total
    events[vad_suite.ONSET_FRAME + 1] = VADEvent(type=VADEventType.SPEECH_START)
    audio = b"\x00\x00" * 320 * vad_suite.VOICED_FRAMES
    events[vad_suite.OFFSET_FRAME + 25] = VADEvent(type=VADEventType.SPEECH_END, audio_bytes=audio)
    return MockVADProvider(events=events)


def scripted_dtmf() -> MockDTMFDetector:
    events: list[DTMFEvent | None] = [None] * len(dtmf_suite.layout())
    for position, digit in enumerate(dtmf_suite.DIGITS):
        first, _ = dtmf_suite.digit_window(position)
        events[first + 3] = DTMFEvent(digit=digit, duration_ms=100)
    return MockDTMFDetector(events=events)


class TestMockVAD(VADProviderContract):
    @pytest.fixture
    def vad(self) -> MockVADProvider:
        return scripted_vad()


class TestMockDTMF(DTMFDetectorContract):
    @pytest.fixture
    def dtmf_detector(self) -> MockDTMFDetector:
        return scripted_dtmf()


class TestMockAEC(AECProviderContract):
    @property
    def cancels_echo(self) -> bool:
        return False

    @pytest.fixture
    def aec(self) -> MockAECProvider:
        return MockAECProvider()


class TestMockSTT(STTProviderContract):
    @pytest.fixture
    def stt_scenario(self) -> STTScenario:
        return STTScenario(
            MockSTTProvider(transcriptions=["Hello, world."]),
            AudioFrame(b"\x00\x00" * 16000, 16000),
            "hello world",
        )


class TestMockTTS(TTSProviderContract):
    @pytest.fixture
    def tts(self) -> MockTTSProvider:
        return MockTTSProvider()


def mock_backend_scenario(backend: MockVoiceBackend) -> BackendScenario:
    async def speak(session: VoiceSession, frame: AudioFrame) -> None:
        backend.simulate_audio_received(session, frame)

    async def heard(session: VoiceSession) -> bytes:
        return b"".join(bytes(f.data) for f in backend.frames_sent_to(session))

    return BackendScenario(backend, speak, heard)


class TestMockVoiceBackend(VoiceBackendContract):
    @pytest.fixture
    def backend_scenario(self) -> BackendScenario:
        return mock_backend_scenario(MockVoiceBackend())
