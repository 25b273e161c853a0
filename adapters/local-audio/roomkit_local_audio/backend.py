"""LocalAudioBackend: the computer's microphone and speaker, through sounddevice (PortAudio).

One session at a time (there is one sound card). PortAudio calls back from its own thread:
microphone blocks are handed to the event loop with ``call_soon_threadsafe``; the speaker
callback takes what ``send_audio`` queued, or plays silence.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from types import ModuleType
from typing import Any

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession
from roomkit.ports.voice import AudioCallback, SessionCallback, VoiceBackend

INSTALL_HINT = (
    "pip install sounddevice (the sounddevice extra of roomkit-local-audio), and the PortAudio "
    "library (apt-get install libportaudio2)"
)


def load_sounddevice() -> ModuleType:
    """The sounddevice module, or an ImportError saying what to install."""
    try:
        return importlib.import_module("sounddevice")
    except ImportError as exc:
        raise ImportError(
            f"LocalAudioBackend needs the 'sounddevice' package, which is not installed: "
            f"{INSTALL_HINT}"
        ) from exc
    except OSError as exc:  # the package is there but the PortAudio library is not
        raise ImportError(
            f"LocalAudioBackend needs the PortAudio library for sounddevice ({exc}); "
            "install it with your system's package manager (e.g. apt-get install libportaudio2)"
        ) from exc


class LocalAudioBackend(VoiceBackend):
    name = "local-audio"

    def __init__(
        self,
        sample_rate: int = 16000,
        channels: int = 1,
        *,
        frame_ms: int = 20,
        input_device: int | str | None = None,
        output_device: int | str | None = None,
        lead_ms: int = 100,
    ) -> None:
        if channels != 1:
            raise ValueError("LocalAudioBackend records and plays mono (channels=1)")
        self._sd = load_sounddevice()
        self.sample_rate = sample_rate
        self.channels = channels
        self.frame_ms = frame_ms
        self.input_device = input_device
        self.output_device = output_device
        self.lead = lead_ms / 1000
        self._audio: list[AudioCallback] = []
        self._lost: list[SessionCallback] = []
        self._session: VoiceSession | None = None
        self._input: Any = None
        self._output: Any = None
        self._pending = bytearray()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def capabilities(self) -> VoiceCapability:
        return VoiceCapability.INTERRUPTION

    @property
    def block_samples(self) -> int:
        return self.sample_rate * self.frame_ms // 1000

    def on_audio_received(self, callback: AudioCallback) -> None:
        self._audio.append(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost.append(callback)

    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        if self._session is not None:
            raise RuntimeError(
                f"the sound card is in use by session {self._session.id}; disconnect it first"
            )
        self._loop = asyncio.get_running_loop()
        session = VoiceSession(
            room_id=room_id,
            participant_id=participant_id,
            channel_id=channel_id,
            sample_rate=self.sample_rate,
            metadata=dict(metadata or {}),
        )
        self._session = session
        common = {"samplerate": self.sample_rate, "channels": 1, "dtype": "int16"}
        self._input = self._sd.RawInputStream(
            blocksize=self.block_samples, device=self.input_device, callback=self._mic, **common
        )
        self._output = self._sd.RawOutputStream(
            blocksize=self.block_samples,
            device=self.output_device,
            callback=self._speaker,
            **common,
        )
        self._input.start()
        self._output.start()
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        if self._session is None or self._session.id != session.id:
            return
        self._session = None
        for stream in (self._input, self._output):
            if stream is not None:
                stream.stop()
                stream.close()
        self._input = self._output = None
        with self._lock:
            self._pending.clear()

    async def close(self) -> None:
        if self._session is not None:
            await self.disconnect(self._session)

    # PortAudio threads ---------------------------------------------------------------------
    def _mic(self, data: Any, frames: int, time_info: Any, status: Any) -> None:
        session, loop = self._session, self._loop
        if session is None or loop is None:
            return
        frame = AudioFrame(bytes(data), self.sample_rate)
        loop.call_soon_threadsafe(self._deliver, session, frame)

    def _deliver(self, session: VoiceSession, frame: AudioFrame) -> None:
        for callback in self._audio:
            callback(session, frame)

    def _speaker(self, out: Any, frames: int, time_info: Any, status: Any) -> None:
        wanted = frames * 2
        with self._lock:
            chunk = bytes(self._pending[:wanted])
            del self._pending[:wanted]
        out[: len(chunk)] = chunk
        out[len(chunk) : wanted] = b"\x00" * (wanted - len(chunk))

    # playing -------------------------------------------------------------------------------
    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        if self._session is None or session.id != self._session.id:
            return
        if frame.sample_rate != self.sample_rate:
            raise ValueError(
                f"LocalAudioBackend plays {self.sample_rate} Hz; got a frame at "
                f"{frame.sample_rate} Hz (configure the pipeline's resampler)"
            )
        with self._lock:
            self._pending.extend(frame.data)
            queued = len(self._pending) / 2 / self.sample_rate
        if queued > self.lead:
            await asyncio.sleep(queued - self.lead)

    async def cancel_audio(self, session: VoiceSession) -> bool:
        with self._lock:
            cut = bool(self._pending)
            self._pending.clear()
        return cut

    def queued_seconds(self) -> float:
        with self._lock:
            return len(self._pending) / 2 / self.sample_rate


__all__ = ["LocalAudioBackend", "load_sounddevice"]
