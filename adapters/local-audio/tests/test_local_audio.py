"""LocalAudioBackend with a stand-in for the sounddevice module (no sound card in CI): its
streams call back from their own threads, as PortAudio does."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit.voice import get_local_audio_backend
from roomkit_local_audio import LocalAudioBackend


class _Stream:
    def __init__(
        self,
        *,
        samplerate: int,
        channels: int,
        dtype: str,
        blocksize: int,
        device: Any,
        callback: Callable[..., None],
    ) -> None:
        assert (channels, dtype) == (1, "int16")
        self.blocksize = blocksize
        self.period = blocksize / samplerate
        self.callback = callback
        self.running = False
        self.closed = False
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.running = False
        if self.thread is not None:
            self.thread.join()

    def close(self) -> None:
        self.closed = True

    def _run(self) -> None:
        while self.running:
            self.tick()
            time.sleep(self.period / 4)  # faster than real time: tests stay short


class FakeSoundDevice(types.ModuleType):
    def __init__(self) -> None:
        super().__init__("sounddevice")
        self.microphone: list[bytes] = []
        self.speaker = bytearray()
        self.streams: list[_Stream] = []
        device = self

        class RawInputStream(_Stream):
            def tick(self) -> None:
                if device.microphone:
                    self.callback(device.microphone.pop(0), self.blocksize, None, None)

        class RawOutputStream(_Stream):
            def tick(self) -> None:
                out = bytearray(self.blocksize * 2)
                self.callback(out, self.blocksize, None, None)
                device.speaker.extend(out)

        def make(kind: type[_Stream]) -> Callable[..., _Stream]:
            def build(**kwargs: Any) -> _Stream:
                stream = kind(**kwargs)
                device.streams.append(stream)
                return stream

            return build

        self.RawInputStream = make(RawInputStream)
        self.RawOutputStream = make(RawOutputStream)


@pytest.fixture
def sounddevice(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSoundDevice]:
    fake = FakeSoundDevice()
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    yield fake


async def eventually(check: Callable[[], object], limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def test_without_sounddevice_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(ImportError, match=r"pip install sounddevice"):
        LocalAudioBackend()


async def test_microphone_blocks_reach_the_callbacks_in_order(sounddevice: FakeSoundDevice) -> None:
    backend = LocalAudioBackend(sample_rate=16000)
    got: list[tuple[VoiceSession, AudioFrame]] = []
    backend.on_audio_received(lambda s, f: got.append((s, f)))
    blocks = [bytes([i, 0]) * 320 for i in range(5)]
    sounddevice.microphone.extend(blocks)
    session = await backend.connect("room", "me", "voice")
    await eventually(lambda: len(got) == 5)
    assert [bytes(f.data) for _, f in got] == blocks
    assert {s.id for s, _ in got} == {session.id}
    await backend.disconnect(session)
    assert all(s.closed and not s.running for s in sounddevice.streams)


async def test_replies_are_played_and_cancel_cuts_them(sounddevice: FakeSoundDevice) -> None:
    backend = LocalAudioBackend(sample_rate=16000, lead_ms=1000)
    session = await backend.connect("room", "me", "voice")
    reply = b"\x01\x02" * 320
    await backend.send_audio(session, AudioFrame(reply, 16000))
    await eventually(lambda: reply in bytes(sounddevice.speaker))
    for _ in range(40):
        await backend.send_audio(session, AudioFrame(b"\x03\x04" * 320, 16000))
    assert await backend.cancel_audio(session) is True
    assert backend.queued_seconds() == 0.0
    assert await backend.cancel_audio(session) is False
    await backend.close()


async def test_one_session_at_a_time_and_the_rate_is_checked(
    sounddevice: FakeSoundDevice,
) -> None:
    backend = LocalAudioBackend(sample_rate=16000)
    session = await backend.connect("room", "me", "voice")
    with pytest.raises(RuntimeError, match="sound card is in use"):
        await backend.connect("room", "you", "voice")
    with pytest.raises(ValueError, match="resampler"):
        await backend.send_audio(session, AudioFrame(b"\x00\x00" * 160, 8000))
    await backend.close()


def test_the_lazy_loader_returns_the_backend() -> None:
    assert get_local_audio_backend() is LocalAudioBackend
