"""WavAudioRecorder: WAV files per session; both directions go to one stereo file (caller left,
agent right), one direction to a mono file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from roomkit.domain.voice import AudioFrame, RecordingConfig, RecordingMode
from roomkit.ports.voice import AudioRecorder, RecordingHandle, RecordingResult
from roomkit_audio.dsp.wav import StereoCallWriter, WavWriter
from roomkit_audio.stages._pcm import samples


class WavAudioRecorder(AudioRecorder):
    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._open: dict[str, tuple[RecordingConfig, StereoCallWriter | WavWriter]] = {}
        self._count = 0

    def start(self, session_id: str, config: RecordingConfig) -> RecordingHandle:
        folder = Path(config.directory) if config.directory else self.directory
        if folder is None:
            folder = Path(tempfile.gettempdir()) / "roomkit-recordings"
        folder.mkdir(parents=True, exist_ok=True)
        self._count += 1
        handle_id = f"rec-{session_id}-{self._count}"
        path = folder / f"{handle_id}.wav"
        writer: StereoCallWriter | WavWriter
        if config.mode is RecordingMode.BOTH:
            writer = StereoCallWriter(path, config.sample_rate)
        else:
            writer = WavWriter(path, config.sample_rate, channels=1)
        self._open[handle_id] = (config, writer)
        return RecordingHandle(id=handle_id, session_id=session_id, path=str(path))

    def _writer(
        self, handle: RecordingHandle
    ) -> tuple[RecordingConfig, StereoCallWriter | WavWriter]:
        found = self._open.get(handle.id)
        if found is None:
            raise ValueError(f"recording {handle.id!r} is not open")
        return found

    def _check(self, config: RecordingConfig, frame: AudioFrame) -> None:
        if frame.sample_rate != config.sample_rate:
            raise ValueError(
                f"recording at {config.sample_rate} Hz got a frame at {frame.sample_rate} Hz"
            )

    def write_inbound(self, handle: RecordingHandle, frame: AudioFrame) -> None:
        config, writer = self._writer(handle)
        self._check(config, frame)
        if isinstance(writer, StereoCallWriter):
            writer.write_inbound(samples(frame))
        elif config.mode is RecordingMode.INBOUND:
            writer.write(samples(frame))

    def write_outbound(self, handle: RecordingHandle, frame: AudioFrame) -> None:
        config, writer = self._writer(handle)
        self._check(config, frame)
        if isinstance(writer, StereoCallWriter):
            writer.write_outbound(samples(frame))
        elif config.mode is RecordingMode.OUTBOUND:
            writer.write(samples(frame))

    def stop(self, handle: RecordingHandle) -> RecordingResult:
        config, writer = self._writer(handle)
        del self._open[handle.id]
        writer.close()
        if isinstance(writer, StereoCallWriter):
            duration_ms = writer.frames_written * 1000.0 / config.sample_rate
        else:
            duration_ms = writer.duration_s * 1000.0
        return RecordingResult(
            id=handle.id, session_id=handle.session_id, path=handle.path, duration_ms=duration_ms
        )
