"""Scripted audio stages for tests: each returns its events in order, one per frame."""

from __future__ import annotations

import array
import sys
from collections.abc import Iterable, Sequence
from typing import Self

from roomkit.domain.voice import (
    AudioFrame,
    BackchannelDecision,
    DiarizationResult,
    DTMFEvent,
    RecordingConfig,
    TurnDecision,
    VADEvent,
)
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.voice import (
    AECProvider,
    AGCProvider,
    AudioPostProcessor,
    AudioRecorder,
    BackchannelContext,
    BackchannelDetector,
    DenoiserProvider,
    DiarizationProvider,
    DTMFDetector,
    RecordingHandle,
    RecordingResult,
    Resampler,
    TurnContext,
    TurnDetector,
    VADProvider,
)


class _Script[T]:
    """Items handed out one per call; None once the script is over."""

    def __init__(self, items: Iterable[T | None] | None) -> None:
        self.items: list[T | None] = list(items or [])
        self.position = 0

    def next(self) -> T | None:
        if self.position >= len(self.items):
            self.position += 1
            return None
        item = self.items[self.position]
        self.position += 1
        return item

    def rewind(self) -> None:
        self.position = 0


class _Shared:
    """Mocks keep one script and one record across sessions, so tests can read them."""

    def new_stream(self) -> Self:
        return self


class MockVADProvider(_Shared, VADProvider):
    """Returns ``events[i]`` for the i-th frame (None entries: nothing for that frame)."""

    def __init__(self, events: Sequence[VADEvent | None] | None = None) -> None:
        self._script = _Script(events)
        self.frames: list[AudioFrame] = []

    @property
    def events(self) -> list[VADEvent | None]:
        return self._script.items

    def process(self, frame: AudioFrame) -> VADEvent | None:
        self.frames.append(frame)
        return self._script.next()

    def reset(self) -> None:
        self._script.rewind()


class _Passthrough:
    def __init__(self) -> None:
        self.frames: list[AudioFrame] = []

    def process(self, frame: AudioFrame) -> AudioFrame:
        self.frames.append(frame)
        return frame


class MockDenoiserProvider(_Shared, _Passthrough, DenoiserProvider):
    """Passes frames through unchanged and keeps them in ``frames``."""


class MockAGCProvider(_Shared, _Passthrough, AGCProvider):
    """Passes frames through unchanged and keeps them in ``frames``."""


class MockPostProcessor(_Shared, _Passthrough, AudioPostProcessor):
    """Passes outbound frames through unchanged and keeps them in ``frames``."""


class MockAECProvider(_Shared, _Passthrough, AECProvider):
    """Passes microphone frames through; keeps the reference frames in ``references``."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[AudioFrame] = []
        self.discarded = 0

    def feed_reference(self, frame: AudioFrame) -> None:
        self.references.append(frame)

    def discard_reference(self) -> None:
        self.discarded += 1


class MockDiarizationProvider(_Shared, DiarizationProvider):
    def __init__(self, results: Sequence[DiarizationResult | None] | None = None) -> None:
        self._script = _Script(results)
        self.frames: list[AudioFrame] = []

    def process(self, frame: AudioFrame) -> DiarizationResult | None:
        self.frames.append(frame)
        return self._script.next()


class MockDTMFDetector(_Shared, DTMFDetector):
    def __init__(self, events: Sequence[DTMFEvent | None] | None = None) -> None:
        self._script = _Script(events)
        self.frames: list[AudioFrame] = []

    def process(self, frame: AudioFrame) -> DTMFEvent | None:
        self.frames.append(frame)
        return self._script.next()


class MockResampler(_Shared, Resampler):
    """Nearest-sample rate conversion in pure Python: fine for tests, poor for ears."""

    def __init__(self) -> None:
        self.frames: list[AudioFrame] = []

    def resample(self, frame: AudioFrame, target_rate: int) -> AudioFrame:
        self.frames.append(frame)
        if frame.sample_rate == target_rate:
            return frame
        samples = array.array("h", bytes(frame.data))
        if sys.byteorder == "big":  # pragma: no cover - PCM is little-endian
            samples.byteswap()
        count = len(samples) * target_rate // frame.sample_rate
        ratio = frame.sample_rate / target_rate
        out = array.array("h", (samples[int(i * ratio)] for i in range(count)))
        return frame.with_data(out.tobytes(), sample_rate=target_rate)


class MockAudioRecorder(AudioRecorder):
    """Keeps recordings in memory: ``recordings[handle.id] = {"inbound": b"", "outbound": b""}``."""

    def __init__(self) -> None:
        self.recordings: dict[str, dict[str, bytearray]] = {}
        self.configs: dict[str, RecordingConfig] = {}
        self.stopped: list[RecordingResult] = []

    def start(self, session_id: str, config: RecordingConfig) -> RecordingHandle:
        handle = RecordingHandle(id=f"rec-{len(self.recordings) + 1}", session_id=session_id)
        self.recordings[handle.id] = {"inbound": bytearray(), "outbound": bytearray()}
        self.configs[handle.id] = config
        return handle

    def write_inbound(self, handle: RecordingHandle, frame: AudioFrame) -> None:
        self.recordings[handle.id]["inbound"] += frame.data

    def write_outbound(self, handle: RecordingHandle, frame: AudioFrame) -> None:
        self.recordings[handle.id]["outbound"] += frame.data

    def stop(self, handle: RecordingHandle) -> RecordingResult:
        data = self.recordings[handle.id]
        rate = self.configs[handle.id].sample_rate
        result = RecordingResult(
            id=handle.id,
            session_id=handle.session_id,
            duration_ms=len(data["inbound"]) / 2 * 1000 / rate,
            inbound_bytes=len(data["inbound"]),
            outbound_bytes=len(data["outbound"]),
        )
        self.stopped.append(result)
        return result


class MockTurnDetector(TurnDetector):
    """Returns ``decisions`` in order, then says every turn is complete."""

    def __init__(self, decisions: Sequence[TurnDecision] | None = None) -> None:
        self._script = _Script(decisions)
        self.contexts: list[TurnContext] = []

    async def evaluate(self, context: TurnContext) -> TurnDecision:
        self.contexts.append(context)
        return self._script.next() or TurnDecision(is_complete=True)


BACKCHANNEL_WORDS = frozenset(
    {"uh-huh", "uh huh", "mm-hmm", "mhm", "yeah", "yes", "right", "ok", "okay", "sure", "i see"}
)


class MockBackchannelDetector(BackchannelDetector):
    """Scripted ``decisions`` if given; otherwise a short list of acknowledgements counts as
    backchannel ("uh-huh", "yeah", "right", ...)."""

    def __init__(self, decisions: Sequence[BackchannelDecision] | None = None) -> None:
        self._script = _Script(decisions)
        self.contexts: list[BackchannelContext] = []

    async def classify(self, context: BackchannelContext) -> BackchannelDecision:
        self.contexts.append(context)
        scripted = self._script.next()
        if scripted is not None:
            return scripted
        words = context.text.strip().lower().strip(".!?,")
        return BackchannelDecision(is_backchannel=words in BACKCHANNEL_WORDS, confidence=1.0)


@hookimpl
def roomkit_register_vad_providers(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockVADProvider())


@hookimpl
def roomkit_register_resamplers(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockResampler())


@hookimpl
def roomkit_register_aec_providers(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockAECProvider())


@hookimpl
def roomkit_register_agc_providers(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockAGCProvider())


@hookimpl
def roomkit_register_denoisers(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockDenoiserProvider())


@hookimpl
def roomkit_register_diarization_providers(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockDiarizationProvider())


@hookimpl
def roomkit_register_dtmf_detectors(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockDTMFDetector())


@hookimpl
def roomkit_register_audio_recorders(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockAudioRecorder())


@hookimpl
def roomkit_register_turn_detectors(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockTurnDetector())


@hookimpl
def roomkit_register_backchannel_detectors(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockBackchannelDetector())


@hookimpl
def roomkit_register_audio_postprocessors(register: Register) -> None:
    register(name="mock", factory=lambda _s: MockPostProcessor())
