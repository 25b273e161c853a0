"""The RealtimeVoiceProvider suite fails deliberately broken providers, on exactly what they
break."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RunSuite = Callable[..., Any]

SOURCE = '''
import pytest

from roomkit.domain.realtime_voice import RealtimeEvent, RealtimeEventType
from roomkit.plugins.builtin.mock_realtime import MockRealtimeProvider, MockToolCall
from roomkit_contracts import RealtimeScenario, RealtimeVoiceProviderContract


def scenario(provider):
    def expect_tool_call(name, arguments, then):
        provider.responses += [MockToolCall(name, arguments), then]

    async def drop():
        provider.drop_connections()

    return RealtimeScenario(provider, provider.responses.append, expect_tool_call, drop,
                            provider.received_audio, provider.tool_results)


class ReportsItsOwnHangUp(MockRealtimeProvider):
    """Says DISCONNECTED after disconnect(): the channel would resume an ended call."""

    async def disconnect(self, session):
        emit = self._emits.get(session.id)
        await super().disconnect(session)
        if emit is not None:
            emit(RealtimeEvent(RealtimeEventType.DISCONNECTED, message="bye"))


class LosesToolResults(MockRealtimeProvider):
    async def send_tool_result(self, session, call_id, name, result):
        self._require(session)


class CrossesTheWires(MockRealtimeProvider):
    """Every answer goes to the first session that connected."""

    def emit(self, session, event):
        first = next(iter(self._emits.values()))
        first(event)


class SwallowsAudioWhenClosed(MockRealtimeProvider):
    async def send_audio(self, session, audio):
        if session.id in self._emits:
            self.audio[session.id] += audio


class TestReportsItsOwnHangUp(RealtimeVoiceProviderContract):
    @pytest.fixture
    def realtime_scenario(self):
        return scenario(ReportsItsOwnHangUp())


class TestLosesToolResults(RealtimeVoiceProviderContract):
    timeout = 0.5

    @pytest.fixture
    def realtime_scenario(self):
        return scenario(LosesToolResults())


class TestCrossesTheWires(RealtimeVoiceProviderContract):
    timeout = 0.5

    @pytest.fixture
    def realtime_scenario(self):
        return scenario(CrossesTheWires())


class TestSwallowsAudioWhenClosed(RealtimeVoiceProviderContract):
    @pytest.fixture
    def realtime_scenario(self):
        return scenario(SwallowsAudioWhenClosed())
'''


def test_broken_realtime_providers_fail(run_suite: RunSuite) -> None:
    run = run_suite(SOURCE)
    assert run.failed_in("TestReportsItsOwnHangUp") == {"test_disconnect_is_not_reported_as_a_drop"}
    assert run.failed_in("TestLosesToolResults") == {"test_a_tool_call_round_trip"}
    assert run.failed_in("TestCrossesTheWires") == {"test_sessions_are_kept_apart"}
    assert run.failed_in("TestSwallowsAudioWhenClosed") == {
        "test_sending_on_a_closed_session_fails_loudly"
    }
