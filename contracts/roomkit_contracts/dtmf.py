"""DTMFDetectorContract: every key press reported once, in order; no digit from silence, speech
or a single tone.

Every test feeds :func:`layout`: 200 ms of silence, then for each of :data:`DIGITS` 100 ms of its
tone pair and 100 ms of silence, then 300 ms of a voiced sound and 300 ms of a single 697 Hz tone.
"""

from __future__ import annotations

import pytest

from roomkit.domain.voice import DTMF_DIGITS, AudioFrame, DTMFEvent
from roomkit.ports.voice import DTMFDetector
from roomkit_contracts import signals
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper

DIGITS = "159#0*D"
LEADING_FRAMES = 10
TONE_FRAMES = 5
GAP_FRAMES = 5
DISTRACTOR_FRAMES = 15


def layout() -> list[AudioFrame]:
    samples = signals.silence(LEADING_FRAMES)
    for digit in DIGITS:
        samples += signals.dtmf(digit, TONE_FRAMES) + signals.silence(GAP_FRAMES)
    samples += signals.voiced(DISTRACTOR_FRAMES)
    samples += [s / 2 for s in signals.tone_pair(697, 697, DISTRACTOR_FRAMES)]
    samples += signals.silence(GAP_FRAMES)
    return signals.frames_of(samples)


def digit_window(position: int) -> tuple[int, int]:
    """Frames in which the ``position``-th digit may be reported (its tone and gap)."""
    start = LEADING_FRAMES + position * (TONE_FRAMES + GAP_FRAMES)
    return start, start + TONE_FRAMES + GAP_FRAMES


class DTMFDetectorContract(ContractSuite, port=DTMFDetector, adapter_fixture="dtmf_detector"):
    """Subclass it and override ``dtmf_detector`` to return a fresh detector for 16 kHz."""

    @pytest.fixture
    def dtmf_detector(self) -> DTMFDetector:
        """A fresh detector (must be overridden)."""
        missing_adapter("dtmf_detector", "DTMFDetector")

    @staticmethod
    @scenario_helper
    def run(detector: DTMFDetector) -> list[tuple[int, DTMFEvent]]:
        """Feed the layout; the (frame index, event) pairs reported."""
        found = []
        for index, frame in enumerate(layout()):
            event = detector.process(frame)
            if event is not None:
                found.append((index, event))
        return found

    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, dtmf_detector: DTMFDetector) -> None:
        """If this fails, subclass roomkit.ports.voice.DTMFDetector."""
        assert isinstance(dtmf_detector, DTMFDetector)

    @pytest.mark.asyncio
    async def test_every_key_press_is_reported_once_in_order(
        self, dtmf_detector: DTMFDetector
    ) -> None:
        """If this fails, the detector misses tones or reports one press several times."""
        digits = "".join(e.digit for _, e in self.run(dtmf_detector))
        assert digits == DIGITS

    @pytest.mark.asyncio
    async def test_digits_are_reported_during_their_press(
        self, dtmf_detector: DTMFDetector
    ) -> None:
        """If this fails, digits are reported late (after the next press began) or early."""
        events = self.run(dtmf_detector)
        for position, (index, _event) in enumerate(events[: len(DIGITS)]):
            first, last = digit_window(position)
            assert first <= index < last, (position, index)

    @pytest.mark.asyncio
    async def test_silence_speech_and_single_tones_give_no_digit(
        self, dtmf_detector: DTMFDetector
    ) -> None:
        """If this fails, the detector needs its twist and relative-energy checks."""
        end_of_digits = digit_window(len(DIGITS) - 1)[1]
        stray = [
            (i, e.digit)
            for i, e in self.run(dtmf_detector)
            if i < LEADING_FRAMES or i >= end_of_digits
        ]
        assert stray == []

    @pytest.mark.asyncio
    async def test_reported_digits_are_keypad_symbols(self, dtmf_detector: DTMFDetector) -> None:
        """If this fails, the detector reports something other than 0-9, *, #, A-D."""
        assert all(e.digit in DTMF_DIGITS for _, e in self.run(dtmf_detector))
