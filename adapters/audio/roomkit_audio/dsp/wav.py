"""WAV recording with the standard ``wave`` module: 16-bit PCM, mono or stereo, and a
two-sided call recorder (caller on the left, agent on the right) kept in step."""

from __future__ import annotations

import os
import wave
from types import TracebackType
from typing import Self

import numpy as np

from roomkit_audio.dsp.pcm import Pcm, as_pcm, check_rate


class WavWriter:
    """Streams int16 samples into a WAV file; stereo takes an ``(n, 2)`` array or interleaved
    samples of even length."""

    def __init__(self, path: str | os.PathLike[str], sample_rate: int, channels: int = 1) -> None:
        self.sample_rate = check_rate(sample_rate)
        if channels not in (1, 2):
            raise ValueError(f"channels must be 1 or 2, got {channels!r}")
        self.channels = channels
        self.path = os.fspath(path)
        self.frames_written = 0
        self._file: wave.Wave_write | None = wave.open(self.path, "wb")
        self._file.setnchannels(channels)
        self._file.setsampwidth(2)
        self._file.setframerate(self.sample_rate)

    @property
    def duration_s(self) -> float:
        return self.frames_written / self.sample_rate

    @property
    def closed(self) -> bool:
        return self._file is None

    def write(self, pcm: Pcm) -> None:
        if self._file is None:
            raise ValueError(f"{self.path} is closed")
        if not isinstance(pcm, np.ndarray):
            raise ValueError(f"pcm must be a numpy int16 array, got {type(pcm).__name__}")
        if self.channels == 2 and pcm.ndim == 2:
            if pcm.shape[1] != 2 or pcm.dtype != np.int16:
                raise ValueError(
                    f"stereo pcm must be int16 of shape (n, 2), got {pcm.dtype} {pcm.shape}"
                )
            samples = pcm.reshape(-1)
        else:
            samples = as_pcm(pcm)
            if samples.size % self.channels:
                raise ValueError(
                    f"interleaved stereo needs an even number of samples, got {samples.size}"
                )
        self._file.writeframes(samples.astype("<i2", copy=False).tobytes())
        self.frames_written += samples.size // self.channels

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class StereoCallWriter:
    """Records a call as stereo: inbound (caller) left, outbound (agent) right.

    The inbound stream is the clock: audio arrives from the caller in real time, while the
    agent's audio may come in bursts. Outbound samples queue up and are laid against the
    inbound samples as they arrive; where nothing was played the right channel is silent.
    ``close`` writes what is still queued (the other side silent).
    """

    def __init__(self, path: str | os.PathLike[str], sample_rate: int) -> None:
        self._writer = WavWriter(path, sample_rate, channels=2)
        self._outbound: list[Pcm] = []
        self._outbound_queued = 0

    @property
    def path(self) -> str:
        return self._writer.path

    @property
    def sample_rate(self) -> int:
        return self._writer.sample_rate

    @property
    def frames_written(self) -> int:
        return self._writer.frames_written

    def write_inbound(self, pcm: Pcm) -> None:
        left = as_pcm(pcm)
        stereo = np.zeros((left.size, 2), dtype=np.int16)
        stereo[:, 0] = left
        stereo[:, 1] = self._take_outbound(left.size)
        self._writer.write(stereo)

    def write_outbound(self, pcm: Pcm) -> None:
        samples = as_pcm(pcm)
        if samples.size:
            self._outbound.append(samples)
            self._outbound_queued += samples.size

    def _take_outbound(self, count: int) -> Pcm:
        out = np.zeros(count, dtype=np.int16)
        filled = 0
        while self._outbound and filled < count:
            chunk = self._outbound[0]
            used = min(chunk.size, count - filled)
            out[filled : filled + used] = chunk[:used]
            filled += used
            if used == chunk.size:
                self._outbound.pop(0)
            else:
                self._outbound[0] = chunk[used:]
        self._outbound_queued -= filled
        return out

    def close(self) -> None:
        if self._writer.closed:
            return
        rest = self._take_outbound(self._outbound_queued)
        if rest.size:
            stereo = np.zeros((rest.size, 2), dtype=np.int16)
            stereo[:, 1] = rest
            self._writer.write(stereo)
        self._writer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
