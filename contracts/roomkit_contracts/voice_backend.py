"""VoiceBackendContract: sessions open and close, caller audio reaches the framework, played
audio reaches the caller, and sessions are kept apart."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession
from roomkit.ports.voice import VoiceBackend
from roomkit_contracts import signals
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


@dataclass(frozen=True)
class BackendScenario:
    """A backend plus the far end of its transport.

    ``speak(session, frame)`` makes the participant of ``session`` send ``frame`` (for a network
    backend: a packet from a test client); ``heard(session)`` returns the PCM the participant
    received so far.

    ``wire`` is for transports with a lossy codec or another rate (G.711 at 8 kHz): it returns
    the PCM a frame becomes after crossing the transport, and the suite compares against that
    instead of the frame's own bytes. Leave it ``None`` for a lossless transport.
    """

    backend: VoiceBackend
    speak: Callable[[VoiceSession, AudioFrame], Awaitable[None]]
    heard: Callable[[VoiceSession], Awaitable[bytes]]
    wire: Callable[[AudioFrame], bytes] | None = None

    def expected(self, frames: list[AudioFrame]) -> bytes:
        """What ``frames`` sound like at the far end of the transport."""
        if self.wire is None:
            return b"".join(bytes(f.data) for f in frames)
        return b"".join(self.wire(f) for f in frames)


class VoiceBackendContract(ContractSuite, port=VoiceBackend, adapter_fixture="backend_scenario"):
    """Subclass it and override ``backend_scenario`` to return a :class:`BackendScenario`."""

    @pytest.fixture
    def backend_scenario(self) -> BackendScenario:
        """A backend and its far end (must be overridden)."""
        missing_adapter("backend_scenario", "VoiceBackend (return BackendScenario(...))")

    @property
    def delivery_timeout(self) -> float:
        return 10.0

    @staticmethod
    @scenario_helper
    def frames(count: int, seed: int = 1) -> list[AudioFrame]:
        """``count`` distinct 20 ms frames of noise."""
        return signals.frames_of(signals.noise(count, seed=seed))

    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, backend_scenario: BackendScenario) -> None:
        """If this fails, subclass roomkit.ports.voice.VoiceBackend."""
        assert isinstance(backend_scenario.backend, VoiceBackend)
        assert isinstance(backend_scenario.backend.capabilities, VoiceCapability)

    @pytest.mark.asyncio
    async def test_connect_opens_a_session_for_the_participant(
        self, backend_scenario: BackendScenario
    ) -> None:
        """If this fails, connect() must return a VoiceSession carrying the ids it was given."""
        session = await backend_scenario.backend.connect("room-1", "alice", "voice")
        assert (session.room_id, session.participant_id, session.channel_id) == (
            "room-1",
            "alice",
            "voice",
        )
        other = await backend_scenario.backend.connect("room-1", "bob", "voice")
        assert other.id != session.id

    @pytest.mark.asyncio
    async def test_caller_audio_reaches_the_callbacks_in_order(
        self, backend_scenario: BackendScenario
    ) -> None:
        """If this fails, inbound frames are lost, reordered or attributed to another session."""
        backend = backend_scenario.backend
        got: list[tuple[str, bytes]] = []
        backend.on_audio_received(lambda s, f: got.append((s.id, bytes(f.data))))
        session = await backend.connect("room-1", "alice", "voice")
        sent = self.frames(5)
        for frame in sent:
            await backend_scenario.speak(session, frame)
        async with asyncio.timeout(self.delivery_timeout):
            while len(got) < len(sent):  # noqa: ASYNC110 - the backend calls back from its I/O
                await asyncio.sleep(0.01)
        assert {sid for sid, _ in got} == {session.id}
        assert b"".join(d for _, d in got) == backend_scenario.expected(sent)

    @pytest.mark.asyncio
    async def test_played_audio_reaches_the_participant(
        self, backend_scenario: BackendScenario
    ) -> None:
        """If this fails, send_audio() drops or reorders frames."""
        backend = backend_scenario.backend
        session = await backend.connect("room-1", "alice", "voice")
        sent = self.frames(5, seed=2)
        for frame in sent:
            await backend.send_audio(session, frame)
        expected = backend_scenario.expected(sent)
        async with asyncio.timeout(self.delivery_timeout):
            while len(await backend_scenario.heard(session)) < len(expected):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        assert await backend_scenario.heard(session) == expected

    @pytest.mark.asyncio
    async def test_two_sessions_hear_only_their_own_audio(
        self, backend_scenario: BackendScenario
    ) -> None:
        """If this fails, the backend mixes up sessions (one stream per participant)."""
        backend = backend_scenario.backend
        alice = await backend.connect("room-1", "alice", "voice")
        bob = await backend.connect("room-1", "bob", "voice")
        [for_alice] = self.frames(1, seed=3)
        [for_bob] = self.frames(1, seed=4)
        await backend.send_audio(alice, for_alice)
        await backend.send_audio(bob, for_bob)
        async with asyncio.timeout(self.delivery_timeout):
            while not (  # noqa: ASYNC110 - each participant has a connection of its own
                await backend_scenario.heard(alice) and await backend_scenario.heard(bob)
            ):
                await asyncio.sleep(0.01)
        assert await backend_scenario.heard(alice) == backend_scenario.expected([for_alice])
        assert await backend_scenario.heard(bob) == backend_scenario.expected([for_bob])

    @pytest.mark.asyncio
    async def test_disconnect_can_be_called_twice(self, backend_scenario: BackendScenario) -> None:
        """If this fails, disconnect() is not idempotent (a lost call is then left twice)."""
        backend = backend_scenario.backend
        session = await backend.connect("room-1", "alice", "voice")
        await backend.disconnect(session)
        await backend.disconnect(session)
