"""Timing: per-operation latencies, completion times, GC activity, and the summary figures."""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Measurement:
    """One timed run: a latency and a completion time (ns since ``start``) per operation."""

    latencies_ns: list[int] = field(default_factory=list)
    done_ns: list[int] = field(default_factory=list)
    wall_s: float = 0.0
    gc_collections: list[int] = field(default_factory=lambda: [0, 0, 0])
    gc_pause_total_ms: float = 0.0
    gc_pause_max_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class Recorder:
    """Times the operations of one run. GC stays on; its pauses are counted, not avoided.

    ``async with Recorder() as rec: await rec.timed(op())``; the run's wall time ends when the
    block exits, so waiting for background work (async hooks) inside the block counts.
    """

    def __init__(self) -> None:
        self.m = Measurement()
        self._t0 = 0
        self._gc_started = 0
        self._gc_before: list[int] = []

    async def __aenter__(self) -> Recorder:
        gc.enable()
        gc.collect()  # start every run from the same heap state; collections during it count
        self._gc_before = [s["collections"] for s in gc.get_stats()]
        gc.callbacks.append(self._on_gc)
        self._t0 = time.perf_counter_ns()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.m.wall_s = (time.perf_counter_ns() - self._t0) / 1e9
        gc.callbacks.remove(self._on_gc)
        after = [s["collections"] for s in gc.get_stats()]
        self.m.gc_collections = [a - b for a, b in zip(after, self._gc_before, strict=True)]

    def _on_gc(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter_ns()
        elif self._gc_started:
            pause = (time.perf_counter_ns() - self._gc_started) / 1e6
            self._gc_started = 0
            self.m.gc_pause_total_ms += pause
            self.m.gc_pause_max_ms = max(self.m.gc_pause_max_ms, pause)

    async def timed(self, op: Awaitable[T]) -> T:
        t0 = time.perf_counter_ns()
        result = await op
        t1 = time.perf_counter_ns()
        self.m.latencies_ns.append(t1 - t0)
        self.m.done_ns.append(t1 - self._t0)
        return result


def percentile(values: list[int], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return float(ordered[k])


def window_throughput(done_ns: list[int]) -> tuple[float, float]:
    """Operations per second over the first and over the last 10% of completions.

    The first window runs from the start of the run to the k-th completion, the last one from
    the (n-k)-th completion to the n-th, so both cover exactly k operations; with concurrent
    operations this is throughput, not a sum of overlapping latencies.
    """
    done = sorted(done_ns)
    n = len(done)
    if n < 2:
        return 0.0, 0.0
    k = max(1, n // 10)
    first_ns = max(1, done[k - 1])
    last_ns = max(1, done[-1] - done[-k - 1]) if n > k else first_ns
    return k / (first_ns / 1e9), k / (last_ns / 1e9)


def summarize(m: Measurement) -> dict[str, Any]:
    lat = m.latencies_ns
    p50, p99 = percentile(lat, 50), percentile(lat, 99)
    first, last = window_throughput(m.done_ns)
    k = max(1, len(lat) // 10)
    first_p50, last_p50 = percentile(lat[:k], 50), percentile(lat[-k:], 50)
    return {
        "ops": len(lat),
        "wall_s": m.wall_s,
        "ops_per_s": len(lat) / m.wall_s if m.wall_s else 0.0,
        "p50_us": p50 / 1000,
        "p99_us": p99 / 1000,
        "max_us": max(lat, default=0) / 1000,
        "p99_over_p50": p99 / p50 if p50 else 0.0,
        "first_10pct_ops_per_s": first,
        "last_10pct_ops_per_s": last,
        "last_over_first_10pct": last / first if first else 0.0,
        # the same comparison from the typical operation of each window: a burst of load from
        # elsewhere on a shared machine moves a window's throughput, hardly its median
        "last_over_first_10pct_p50": first_p50 / last_p50 if last_p50 else 0.0,
        "gc_collections": m.gc_collections,
        "gc_pause_total_ms": m.gc_pause_total_ms,
        "gc_pause_max_ms": m.gc_pause_max_ms,
    }
