"""The benchmark suite runs on this roomkit and its scenarios' own checks pass (tiny sizes,
in-process, no timing assertions: the figures are for `python -m bench`, not for CI)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

# bench/ is a directory of the repository, not an installed package: with `python -m pytest` the
# working directory is importable, with the `pytest` script it is not.
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.append(ROOT)

from bench import __main__ as cli  # noqa: E402
from bench import report, scenarios  # noqa: E402
from bench.measure import percentile, window_throughput  # noqa: E402

TINY = [
    "--n", "20", "--rooms", "10", "--concurrency", "5",
    "--timeline-events", "200", "--page-reads", "3",
]  # fmt: skip


def test_every_scenario_passes_its_own_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--worker", *TINY]) == 0
    lines = [
        json.loads(line[len(cli.MARKER) :])
        for line in capsys.readouterr().out.splitlines()
        if line.startswith(cli.MARKER)
    ]
    results = {r["scenario"]: r for r in lines}
    assert list(results) == list(scenarios.SCENARIOS)
    for name, r in results.items():
        expected_ops = 3 * 3 if name == "timeline_page_50k" else 20
        assert r["ops"] == expected_ops, name
        assert r["ops_per_s"] > 0 and r["p50_us"] > 0 and r["last_over_first_10pct"] > 0
    timeline = results["timeline_page_50k"]["extra"]
    assert timeline["events"] == 200 and timeline["fill"]["ops"] == 200
    assert set(timeline["page_p50_us_by_position"]) == {"start", "middle", "end"}

    for r in lines:
        r["target"] = "ours"
    data = {
        "meta": {
            "date": "today", "host": "h", "machine": "m", "cpus": 2, "python": "3.12", "n": 20,
            "ours_version": "0", "published_version": "0", "git": "g",
        },
        "ours": results,
        "published": results,
    }  # fmt: skip
    table = report.markdown(data)
    assert "| single_channel | message |" in table and "**1.0x**" in table


async def test_rooms_are_checked_one_by_one() -> None:
    m = await scenarios.rooms_1000_concurrent(25, rooms=10, concurrency=4)
    assert len(m.latencies_ns) == 25 and m.extra == {"rooms": 10, "concurrency": 4}


async def test_a_lost_delivery_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    deliver = scenarios.Receiver.__call__

    calls = 0

    async def lose_every_other(self: scenarios.Receiver, conn: str, event: Any) -> None:
        nonlocal calls
        calls += 1
        if calls % 2:
            await deliver(self, conn, event)

    monkeypatch.setattr(scenarios.Receiver, "__call__", lose_every_other)
    with pytest.raises(scenarios.CheckFailed, match="delivered"):
        await scenarios.single_channel(6)


async def test_a_duplicate_delivery_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    deliver = scenarios.Receiver.__call__

    async def twice(self: scenarios.Receiver, conn: str, event: Any) -> None:
        await deliver(self, conn, event)
        await deliver(self, conn, event)

    monkeypatch.setattr(scenarios.Receiver, "__call__", twice)
    with pytest.raises(scenarios.CheckFailed, match="delivered 10 of 5"):
        await scenarios.fan_out_10(5, receivers=2)


def test_throughput_windows_and_percentiles() -> None:
    assert percentile([5, 1, 3], 50) == 3.0 and percentile([], 99) == 0.0
    steady = [i * 1000 for i in range(1, 101)]  # one op per microsecond throughout
    first, last = window_throughput(steady)
    assert first == pytest.approx(last) == pytest.approx(1e6)
    slowing = [sum(range(1, i + 1)) * 1000 for i in range(1, 101)]  # each op slower than the last
    first, last = window_throughput(slowing)
    assert last < first / 5


def test_the_realtime_relay_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import realtime_relay

    assert realtime_relay.main(["--sessions", "2", "--frames", "5", "--no-save"]) == 0
    first, *table = capsys.readouterr().out.splitlines()
    result = json.loads(first)
    assert result["sessions"] == 2 and result["kit_cpu_ms_per_frame"] > 0
    for way in ("in", "out"):
        assert result[way]["relayed_ms"]["p50"] > 0 and result[way]["direct_ms"]["p50"] > 0
        assert result[way]["last_second_ms"]["p99"] > 0
    assert sum(row.startswith("| 2 |") for row in table) == 2  # a row each way
