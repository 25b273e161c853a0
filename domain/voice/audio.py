"""AudioFrame: one chunk of PCM audio, the unit every pipeline stage takes and returns.

A slotted dataclass rather than a pydantic model: a call makes 50 of them a second, and the
pipeline builds a new one whenever a stage changes the samples. The fields cannot be reassigned;
``metadata`` is the one mutable part, where stages leave their annotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roomkit.domain.errors import RoomKitError

SUPPORTED_SAMPLE_RATES: frozenset[int] = frozenset(
    {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}
)
SUPPORTED_SAMPLE_WIDTHS: frozenset[int] = frozenset({1, 2, 3, 4})


class AudioFormatError(RoomKitError, ValueError):
    """A frame whose bytes do not match its declared format."""


@dataclass(frozen=True, slots=True)
class AudioFrame:
    data: bytes = field(repr=False)
    sample_rate: int = 16000
    channels: int = 1
    sample_width: int = 2
    timestamp_ms: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.data, bytes | bytearray | memoryview):
            raise AudioFormatError(
                f"AudioFrame.data must be bytes of PCM, not {type(self.data).__name__}"
            )
        if self.sample_rate not in SUPPORTED_SAMPLE_RATES:
            known = ", ".join(str(r) for r in sorted(SUPPORTED_SAMPLE_RATES))
            raise AudioFormatError(
                f"unsupported sample rate {self.sample_rate} Hz; supported: {known}"
            )
        if self.sample_width not in SUPPORTED_SAMPLE_WIDTHS:
            raise AudioFormatError(
                f"unsupported sample width {self.sample_width} bytes; use 1, 2, 3 or 4"
            )
        if not 1 <= self.channels <= 8:
            raise AudioFormatError(f"unsupported channel count {self.channels}; use 1 to 8")
        block = self.channels * self.sample_width
        if len(self.data) % block:
            raise AudioFormatError(
                f"{len(self.data)} bytes is not a whole number of {block}-byte samples "
                f"({self.channels} channel(s) x {self.sample_width} byte(s))"
            )

    @property
    def num_samples(self) -> int:
        """Samples per channel."""
        return len(self.data) // (self.channels * self.sample_width)

    @property
    def duration_ms(self) -> float:
        return self.num_samples * 1000.0 / self.sample_rate

    def with_data(self, data: bytes, *, sample_rate: int | None = None) -> AudioFrame:
        """A frame carrying new samples with this frame's format, time and annotations."""
        return AudioFrame(
            data,
            self.sample_rate if sample_rate is None else sample_rate,
            self.channels,
            self.sample_width,
            self.timestamp_ms,
            self.metadata,
        )
