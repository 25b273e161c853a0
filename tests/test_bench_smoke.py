"""Every benchmark scenario runs and passes its own correctness checks (tiny sizes, no timing)."""

from __future__ import annotations

from bench import scenarios


async def test_message_scenarios_check_themselves() -> None:
    for scenario in (
        scenarios.single_channel,
        scenarios.fan_out_10,
        scenarios.hooks_3_sync_1_async,
        scenarios.ai_reentry,
    ):
        measurement = await scenario(20)
        assert len(measurement.latencies_ns) == 20


async def test_many_rooms_and_timeline_scenarios_check_themselves() -> None:
    rooms = await scenarios.rooms_1000_concurrent(50, rooms=10, concurrency=5)
    assert len(rooms.latencies_ns) == 50
    page = await scenarios.timeline_page(0, big=200, reads=3)
    assert page.extra["big_vs_small_page_cost"] > 0


async def test_a_wrong_result_fails_the_check(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from roomkit.plugins.builtin.websocket import WebSocketChannel

    async def drop(self, event, binding, context):  # type: ignore[no-untyped-def]
        from roomkit.domain.delivery import ChannelOutput

        return ChannelOutput()

    monkeypatch.setattr(WebSocketChannel, "deliver", drop)
    with pytest.raises(scenarios.CheckFailed, match="delivered 0 of 5"):
        await scenarios.single_channel(5)
