"""Tables and goal checks for the results of a run (plain data in, markdown out)."""

from __future__ import annotations

from typing import Any

Result = dict[str, Any]

#: ours/published throughput wanted per scenario
THROUGHPUT_GOALS = {
    "single_channel": 10.0,
    "fan_out_10": 10.0,
    "hooks_3sync_1async": 5.0,
    "rooms_1000_concurrent": 5.0,
    "ai_reentry": 5.0,
    "swarm_routing": 5.0,
    "timeline_page_50k": 5.0,
    "twilio_webhook": 10.0,
}
#: the last 10% of a run at least this fraction of the first 10%'s throughput
DECAY_FLOOR = 0.9
#: p99 latency at most this multiple of p50
TAIL_CEILING = 3.0
#: a page of a 50,000-event room costs at most this multiple of a page of a 50-event room
PAGE_COST_CEILING = 1.25


def _n(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def _us(x: float) -> str:
    return f"{x:,.0f}" if x >= 1000 else f"{x:,.1f}" if x >= 10 else f"{x:.2f}"


def progress_line(r: Result) -> str:
    return (
        f"{r['scenario']:<22} {r['target']:<9} {_n(r['ops_per_s']):>10} ops/s  "
        f"p50 {_us(r['p50_us']):>8} us  p99 {_us(r['p99_us']):>8} us  "
        f"p99/p50 {r['p99_over_p50']:5.2f}  last/first 10% {r['last_over_first_10pct']:5.2f}"
    )


def _mark(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def ratio_table(ours: dict[str, Result], published: dict[str, Result]) -> list[str]:
    lines = [
        "| scenario | one op | ops/s ours | ops/s published | ours/published | goal "
        "| p50 / p99 us ours | p50 / p99 us published | p99/p50 ours | p99/p50 published "
        "| last/first 10% ours | last/first 10% published |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, o in ours.items():
        p = published.get(name)
        ratio = o["ops_per_s"] / p["ops_per_s"] if p and p["ops_per_s"] else None
        cells = [
            name,
            o["unit"],
            _n(o["ops_per_s"]),
            _n(p["ops_per_s"]) if p else "-",
            f"**{ratio:,.1f}x**" if ratio is not None else "-",
            f"{THROUGHPUT_GOALS.get(name, 0):.0f}x",
            f"{_us(o['p50_us'])} / {_us(o['p99_us'])}",
            f"{_us(p['p50_us'])} / {_us(p['p99_us'])}" if p else "-",
            f"{o['p99_over_p50']:.2f}",
            f"{p['p99_over_p50']:.2f}" if p else "-",
            f"{o['last_over_first_10pct']:.2f}",
            f"{p['last_over_first_10pct']:.2f}" if p else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def single_table(results: dict[str, Result]) -> list[str]:
    lines = [
        "| scenario | one op | ops/s | p50 us | p99 us | p99/p50 | first 10% ops/s "
        "| last 10% ops/s | last/first 10% |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['unit']} | {_n(r['ops_per_s'])} | {_us(r['p50_us'])} "
            f"| {_us(r['p99_us'])} | {r['p99_over_p50']:.2f} | {_n(r['first_10pct_ops_per_s'])} "
            f"| {_n(r['last_10pct_ops_per_s'])} | {r['last_over_first_10pct']:.2f} |"
        )
    return lines


def timeline_table(runs: dict[str, Result]) -> list[str]:
    """``runs``: target -> the timeline_page_50k result of that target."""
    if not runs:
        return []
    targets = list(runs)
    any_run = next(iter(runs.values()))
    events, small = any_run["extra"]["events"], any_run["extra"]["small_room_events"]
    lines = [
        "| page of 50 (p50 us) | " + " | ".join(targets) + " |",
        "|---|" + "---:|" * len(targets),
        f"| room of {small} events | "
        + " | ".join(_us(runs[t]["extra"]["small_page_p50_us"]) for t in targets)
        + " |",
    ]
    for pos in ("start", "middle", "end"):
        lines.append(
            f"| room of {events:,} events, {pos} | "
            + " | ".join(_us(runs[t]["extra"]["page_p50_us_by_position"][pos]) for t in targets)
            + " |"
        )
    lines.append(
        f"| **{events:,} vs {small} (all positions / worst position)** | "
        + " | ".join(
            f"**{runs[t]['extra']['big_over_small_page_cost']:.2f} / "
            f"{runs[t]['extra']['worst_position_over_small']:.2f}**"
            for t in targets
        )
        + " |"
    )
    lines += [
        "",
        f"Filling the {events:,}-event room (timed separately, one message per operation):",
        "",
        "| fill | msg/s | p50 us | p99 us | p99/p50 | last/first 10% |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in targets:
        f = runs[t]["extra"]["fill"]
        lines.append(
            f"| {t} | {_n(f['ops_per_s'])} | {_us(f['p50_us'])} | {_us(f['p99_us'])} "
            f"| {f['p99_over_p50']:.2f} | {f['last_over_first_10pct']:.2f} |"
        )
    return lines


def gc_table(results: dict[str, Result]) -> list[str]:
    lines = [
        "| scenario | collections gen0 / gen1 / gen2 | GC pause total ms | longest pause ms |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        g = r["gc_collections"]
        lines.append(
            f"| {name} | {g[0]} / {g[1]} / {g[2]} | {r['gc_pause_total_ms']:.1f} "
            f"| {r['gc_pause_max_ms']:.2f} |"
        )
    return lines


def spread_table(ours: dict[str, Result], published: dict[str, Result]) -> list[str]:
    """ops/s of every run, and the 1-minute load average of the machine at the reported one."""
    rows = []
    for target, results in (("ours", ours), ("published", published)):
        for name, r in results.items():
            every = ", ".join(_n(x) for x in r.get("ops_per_s_of_runs", [r["ops_per_s"]]))
            rows.append(f"| {name} | {target} | {every} | {r.get('load_average_1min', 0):.2f} |")
    if not rows:
        return []
    return [
        "| scenario | target | ops/s of each run | load average at the reported run |",
        "|---|---|---|---:|",
        *rows,
    ]


def goals(ours: dict[str, Result], published: dict[str, Result]) -> list[tuple[str, bool, str]]:
    """(goal, met, the figure) for every goal the results can speak to."""
    out: list[tuple[str, bool, str]] = []
    for name, o in ours.items():
        p = published.get(name)
        want = THROUGHPUT_GOALS.get(name)
        if p and p["ops_per_s"] and want:
            ratio = o["ops_per_s"] / p["ops_per_s"]
            out.append((f"{name}: >= {want:.0f}x published", ratio >= want, f"{ratio:,.1f}x"))
    for name, o in ours.items():
        if name == "timeline_page_50k":  # its history is fixed; the fill below is where it grows
            continue
        decay, typical = o["last_over_first_10pct"], o["last_over_first_10pct_p50"]
        out.append(
            (
                f"{name}: last 10% >= {DECAY_FLOOR:.0%} of first 10% throughput",
                decay >= DECAY_FLOOR,
                f"{decay:.2f} (p50-based {typical:.2f})",
            )
        )
    timeline = ours.get("timeline_page_50k")
    if timeline:
        x = timeline["extra"]
        worst = max(x["big_over_small_page_cost"], x["worst_position_over_small"])
        out.append(
            (
                f"timeline: page at {x['events']:,} events <= {PAGE_COST_CEILING}x page at "
                f"{x['small_room_events']}",
                worst <= PAGE_COST_CEILING,
                f"{worst:.2f}",
            )
        )
        fill, typical = x["fill"]["last_over_first_10pct"], x["fill"]["last_over_first_10pct_p50"]
        out.append(
            (
                f"timeline fill: last 10% >= {DECAY_FLOOR:.0%} of first 10% throughput as history "
                f"grows to {x['events']:,}",
                fill >= DECAY_FLOOR,
                f"{fill:.2f} (p50-based {typical:.2f})",
            )
        )
    for name, o in ours.items():
        tail = o["p99_over_p50"]
        out.append(
            (f"{name}: p99 <= {TAIL_CEILING:.0f}x p50 (GC on)", tail <= TAIL_CEILING, f"{tail:.2f}")
        )
    return out


def markdown(data: dict[str, Any]) -> str:
    meta, ours, published = data["meta"], data["ours"], data["published"]
    runs = meta.get("repeat", 1)
    header = (
        f"Measured {meta['date']} on `{meta['host']}` ({meta['machine']}, {meta['cpus']} cores, "
        f"Python {meta['python']}), GC on, each scenario in its own process, "
        + (
            f"{runs} runs per scenario and target (the median run by ops/s shown)"
            if runs > 1
            else "one run"
        )
        + f", n = {meta['n']:,} per scenario"
        + (f"; ours = roomkit {meta['ours_version']} ({meta['git']})" if ours else "")
        + (f"; published = roomkit {meta['published_version']} from PyPI" if published else "")
        + ". The machine is shared and noisy: read the ratios, not the absolute figures."
    )
    lines = [header, ""]
    if ours and published:
        lines += ratio_table(ours, published)
    else:
        for target, results in (("ours", ours), ("published", published)):
            if results:
                lines += [f"**{target}**", "", *single_table(results), ""]
    timeline_runs = {
        t: r["timeline_page_50k"]
        for t, r in (("ours", ours), ("published", published))
        if "timeline_page_50k" in r
    }
    if timeline_runs:
        lines += ["", *timeline_table(timeline_runs)]
    if ours:
        lines += ["", "Garbage collection during the timed part (ours):", "", *gc_table(ours)]
    spread = spread_table(ours, published)
    if spread:
        lines += ["", *spread]
    checks = goals(ours, published)
    if checks:
        lines += ["", "| goal | met | figure |", "|---|---|---:|"]
        lines += [f"| {g} | {_mark(ok)} | {fig} |" for g, ok, fig in checks]
    return "\n".join(lines) + "\n"
