"""The voice contract suites fail deliberately broken adapters, on exactly the broken behaviour."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RunSuite = Callable[..., Any]

HEADER = """
import pytest

from roomkit.domain.voice import AudioFrame, DTMFEvent, TranscriptionResult, VADEvent, VADEventType
from roomkit.plugins.builtin.mock_speech import MockSTTProvider, MockTTSProvider
from roomkit.plugins.builtin.mock_voice_backend import MockVoiceBackend
from roomkit.plugins.builtin.mock_voice_stages import (
    MockAECProvider, MockDTMFDetector, MockVADProvider,
)
from roomkit_contracts import (
    AECProviderContract, BackendScenario, DTMFDetectorContract, STTProviderContract, STTScenario,
    TTSProviderContract, VADProviderContract, VoiceBackendContract,
)
from roomkit_contracts import dtmf as dtmf_suite
from roomkit_contracts import vad as vad_suite

START = VADEvent(type=VADEventType.SPEECH_START)
END = VADEvent(type=VADEventType.SPEECH_END)


def vad_script(**at):
    events = [None] * (vad_suite.OFFSET_FRAME + vad_suite.TRAILING_SILENCE_FRAMES)
    for index, event in at.items():
        events[int(index[1:])] = event
    return MockVADProvider(events=events)


def dtmf_script(extra=()):
    events = [None] * len(dtmf_suite.layout())
    for position, digit in enumerate(dtmf_suite.DIGITS):
        events[dtmf_suite.digit_window(position)[0] + 3] = DTMFEvent(digit=digit)
    for index, digit in extra:
        events[index] = DTMFEvent(digit=digit)
    return MockDTMFDetector(events=events)


def backend_scenario(backend):
    async def speak(session, frame):
        backend.simulate_audio_received(session, frame)

    async def heard(session):
        return b"".join(bytes(f.data) for f in backend.frames_sent_to(session))

    return BackendScenario(backend, speak, heard)
"""


def test_broken_vads_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class TestSplitsUtterance(VADProviderContract):
    @pytest.fixture
    def vad(self):  # ends and restarts in the middle of the voiced segment
        return vad_script(f26=START, f40=END, f41=START, f100=END)


class TestHearsSilence(VADProviderContract):
    @pytest.fixture
    def vad(self):  # takes the leading silence for speech
        return vad_script(f5=START, f100=END)


class TestEndsTooEarly(VADProviderContract):
    @pytest.fixture
    def vad(self):
        return vad_script(f26=START, f60=VADEvent(type=VADEventType.SPEECH_END, audio_bytes=b"ab"))
"""
    )
    assert run.failed_in("TestSplitsUtterance") == {
        "test_one_start_then_one_end_around_the_voiced_segment",
        "test_speech_end_comes_after_the_offset",
    }
    assert run.failed_in("TestHearsSilence") == {
        "test_nothing_is_reported_on_silence",
        "test_speech_start_comes_soon_after_the_onset",
    }
    assert run.failed_in("TestEndsTooEarly") == {
        "test_speech_end_comes_after_the_offset",
        "test_speech_end_audio_is_whole_pcm_covering_the_utterance",
    }


def test_broken_dtmf_detectors_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class TestTakesATwoToneChordForADigit(DTMFDetectorContract):
    @pytest.fixture
    def dtmf_detector(self):  # reports a digit on the single 697 Hz tone
        return dtmf_script(extra=[(len(dtmf_suite.layout()) - 10, "1")])


class TestReportsEveryFrame(DTMFDetectorContract):
    @pytest.fixture
    def dtmf_detector(self):  # one press reported on every frame of its tone
        extra = []
        for position, digit in enumerate(dtmf_suite.DIGITS):
            first = dtmf_suite.digit_window(position)[0]
            extra += [(first + k, digit) for k in range(dtmf_suite.TONE_FRAMES)]
        return dtmf_script(extra=extra)
"""
    )
    assert run.failed_in("TestTakesATwoToneChordForADigit") == {
        "test_every_key_press_is_reported_once_in_order",
        "test_silence_speech_and_single_tones_give_no_digit",
    }
    assert run.failed_in("TestReportsEveryFrame") == {
        "test_every_key_press_is_reported_once_in_order",
        "test_digits_are_reported_during_their_press",
    }


def test_broken_echo_cancellers_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class Mute(MockAECProvider):
    def process(self, frame):
        return frame.with_data(b"\\x00" * len(frame.data))


class Truncates(MockAECProvider):
    def process(self, frame):
        return frame.with_data(bytes(frame.data[: len(frame.data) // 2]))


class Hisses(MockAECProvider):
    def process(self, frame):
        return frame.with_data(b"\\x40\\x00" * (len(frame.data) // 2))


class TestMutesEverything(AECProviderContract):
    @pytest.fixture
    def aec(self):
        return Mute()


class TestTruncates(AECProviderContract):
    cancels_echo = False

    @pytest.fixture
    def aec(self):
        return Truncates()


class TestHisses(AECProviderContract):
    @pytest.fixture
    def aec(self):
        return Hisses()
"""
    )
    assert run.failed_in("TestMutesEverything") == {
        "test_near_end_speech_survives_without_a_reference"
    }
    assert run.failed_in("TestTruncates") == {
        "test_frames_keep_their_format",
        "test_frames_of_other_lengths_are_accepted",
    }
    assert run.failed_in("TestHisses") == {
        "test_silence_stays_silent",
        "test_near_end_speech_survives_without_a_reference",
    }


def test_broken_speech_providers_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class Interim(MockSTTProvider):
    async def transcribe(self, audio):
        result = await super().transcribe(audio)
        return result.model_copy(update={"is_final": False})


class ClaimsStreaming(MockSTTProvider):
    supports_streaming = True


class StreamsInterimOnly(MockSTTProvider):
    supports_streaming = True

    async def transcribe_stream(self, frames, *, sample_rate=16000):
        async for _frame in frames:
            pass
        yield TranscriptionResult(text="hello world", is_final=False)


class Stereo(MockTTSProvider):
    async def synthesize_stream(self, text, *, voice=None):
        async for frame in super().synthesize_stream(text, voice=voice):
            yield AudioFrame(bytes(frame.data), frame.sample_rate, channels=2)


class Babbles(MockTTSProvider):
    async def synthesize_stream(self, text, *, voice=None):
        async for frame in super().synthesize_stream(text or "um", voice=voice):
            yield frame
        if not text.strip():
            yield AudioFrame(b"\\x01\\x00" * 320, 16000)


def utterance():
    return AudioFrame(b"\\x00\\x00" * 16000, 16000)


class TestMishears(STTProviderContract):
    @pytest.fixture
    def stt_scenario(self):
        return STTScenario(MockSTTProvider(["hello word"]), utterance(), "hello world")


class TestInterim(STTProviderContract):
    @pytest.fixture
    def stt_scenario(self):
        return STTScenario(Interim(["hello world"]), utterance(), "hello world")


class TestClaimsStreaming(STTProviderContract):
    @pytest.fixture
    def stt_scenario(self):
        return STTScenario(ClaimsStreaming(["hello world"]), utterance(), "hello world")


class TestStreamsInterimOnly(STTProviderContract):
    @pytest.fixture
    def stt_scenario(self):
        return STTScenario(StreamsInterimOnly(["hello world"]), utterance(), "hello world")


class TestStereo(TTSProviderContract):
    @pytest.fixture
    def tts(self):
        return Stereo()


class TestBabbles(TTSProviderContract):
    @pytest.fixture
    def tts(self):
        return Babbles()
"""
    )
    assert run.failed_in("TestMishears") == {
        "test_the_utterance_is_transcribed",
        "test_concurrent_utterances_are_kept_apart",
    }
    assert run.failed_in("TestInterim") == {"test_results_are_final_with_a_sane_confidence"}
    assert run.failed_in("TestClaimsStreaming") == {
        "test_streaming_is_declared_truthfully",
        "test_a_streamed_utterance_is_transcribed",
    }
    assert run.failed_in("TestStreamsInterimOnly") == {"test_a_streamed_utterance_is_transcribed"}
    assert run.failed_in("TestStereo") == {"test_speech_comes_as_mono_16_bit_frames_at_one_rate"}
    assert run.failed_in("TestBabbles") == {"test_empty_text_gives_no_audio_or_a_value_error"}


def test_broken_backends_fail(run_suite: RunSuite) -> None:
    run = run_suite(
        HEADER
        + """
class DropsFrames(MockVoiceBackend):
    async def send_audio(self, session, frame):
        if len(self.sent_audio) % 2 == 0:
            await super().send_audio(session, frame)
        else:
            self.sent_audio.append((session, frame.with_data(b"")))


class OneStream(MockVoiceBackend):
    async def send_audio(self, session, frame):
        first = next(iter(self.sessions.values()))
        await super().send_audio(first, frame)


class TestDropsFrames(VoiceBackendContract):
    delivery_timeout = 0.5

    @pytest.fixture
    def backend_scenario(self):
        return backend_scenario(DropsFrames())


class TestOneStream(VoiceBackendContract):
    delivery_timeout = 0.5

    @pytest.fixture
    def backend_scenario(self):
        return backend_scenario(OneStream())
"""
    )
    assert run.failed_in("TestDropsFrames") == {
        "test_played_audio_reaches_the_participant",
        "test_two_sessions_hear_only_their_own_audio",
    }
    assert run.failed_in("TestOneStream") == {"test_two_sessions_hear_only_their_own_audio"}
