"""``python -m bench``: run the scenarios on this roomkit, the published one, or both.

python -m bench                       # ours, every scenario
python -m bench --target both         # ours and roomkit==0.109.0 side by side, with ratios
python -m bench --scenarios single_channel,fan_out_10 --n 2000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED_VENV = ROOT / "bench" / ".venvs" / "published"
PUBLISHED_VERSION = "0.109.0"
RESULTS = ROOT / "bench" / "results"

#: the goal per scenario: ours/published throughput at least this
GOALS = {
    "single_channel": 10.0,
    "fan_out_10": 10.0,
    "hooks_3sync_1async": 5.0,
    "rooms_1000_concurrent": 5.0,
    "ai_reentry": 5.0,
    "timeline_page_50k": 5.0,
}


def run_worker(scenario: str, n: int) -> dict[str, Any]:
    from bench.scenarios import SCENARIOS, summarize

    gc.enable()
    measurement = asyncio.run(SCENARIOS[scenario](n))
    import roomkit

    result = summarize(scenario, measurement, n)
    result["roomkit"] = getattr(roomkit, "__version__", None) or _dist_version()
    return result


def _dist_version() -> str:
    from importlib.metadata import version

    return version("roomkit")


def ensure_published() -> Path:
    python = PUBLISHED_VENV / "bin" / "python"
    if python.exists():
        return python
    uv = Path(sys.executable).parent / "uv"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        [str(uv), "venv", "-q", "-p", sys.executable, str(PUBLISHED_VENV)], check=True, env=env
    )
    subprocess.run(
        [str(uv), "pip", "install", "-q", "--python", str(python), f"roomkit=={PUBLISHED_VERSION}"],
        check=True,
        env=env,
    )
    return python


def in_subprocess(python: Path, scenario: str, n: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [str(python), "-m", "bench", "--worker", "--scenarios", scenario, "--n", str(n)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT / "bench",  # not the repo root, so the published venv cannot see our sources
    )
    if out.returncode != 0:
        raise RuntimeError(f"{scenario} on {python} failed:\n{out.stdout}\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt_row(r: dict[str, Any]) -> str:
    return (
        f"{r['scenario']:<24} {r['ops_per_s']:>11,.0f} {r['p50_us']:>9.1f} {r['p99_us']:>9.1f} "
        f"{r['p99_over_p50']:>7.2f} {r['last_vs_first_10pct']:>9.2f}"
    )


HEADER = (
    f"{'scenario':<24} {'ops/s':>11} {'p50 us':>9} {'p99 us':>9} {'p99/p50':>7} {'last/1st':>9}"
)


def markdown(ours: list[dict[str, Any]], theirs: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}), one run, GC on.",
        "",
        "| scenario | ops/s ours | ops/s published | ratio | goal | p99/p50 ours "
        "| last/first 10% ours |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in ours:
        p = theirs.get(r["scenario"])
        goal = f"{GOALS[r['scenario']]:.0f}x"
        if p and p["ops_per_s"]:
            published = f"{p['ops_per_s']:,.0f} | {r['ops_per_s'] / p['ops_per_s']:.1f}x"
        else:
            published = "- | -"
        lines.append(
            f"| {r['scenario']} | {r['ops_per_s']:,.0f} | {published} | {goal} | "
            f"{r['p99_over_p50']:.2f} | {r['last_vs_first_10pct']:.2f} |"
        )
    page = next((r for r in ours if r["scenario"] == "timeline_page_50k"), None)
    if page:
        lines += [
            "",
            f"Timeline page (50 events): p50 {page['small_room_page_p50_us']:.1f} us in a room of "
            f"50 events, {page['big_room_page_p50_us']:.1f} us in a room of 50,000 "
            f"(ratio {page['big_vs_small_page_cost']:.2f}). Filling the 50,000-event room: "
            f"{page['fill_ops_per_s']:,.0f} msg/s, last/first 10% "
            f"{page['fill_first_vs_last_10pct']:.2f}.",
        ]
        theirs_page = theirs.get("timeline_page_50k")
        if theirs_page:
            lines.append(
                f"Published: page p50 {theirs_page['small_room_page_p50_us']:.1f} us at 50 events, "
                f"{theirs_page['big_room_page_p50_us']:.1f} us at 50,000 "
                f"(ratio {theirs_page['big_vs_small_page_cost']:.2f}); fill "
                f"{theirs_page['fill_ops_per_s']:,.0f} msg/s, last/first 10% "
                f"{theirs_page['fill_first_vs_last_10pct']:.2f}."
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from bench.scenarios import SCENARIOS

    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--n", type=int, default=5000, help="operations per scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--target", choices=["ours", "published", "both"], default="ours")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = [s for s in args.scenarios.split(",") if s]
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; known: {', '.join(SCENARIOS)}")

    if args.worker:
        for name in names:
            print(json.dumps(run_worker(name, args.n)))
        return 0

    ours: list[dict[str, Any]] = []
    theirs: dict[str, dict[str, Any]] = {}
    published = ensure_published() if args.target in ("published", "both") else None
    print(HEADER)
    for name in names:
        if args.target in ("ours", "both"):
            r = in_subprocess(Path(sys.executable), name, args.n)
            ours.append(r)
            print(fmt_row(r), " ours")
        if published is not None:
            p = in_subprocess(published, name, args.n)
            theirs[name] = p
            print(fmt_row(p), f" published {PUBLISHED_VERSION}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"n": args.n, "ours": ours, "published": theirs}
    if args.target == "both":
        table = markdown(ours, theirs)
        print()
        print(table)
        (RESULTS / "latest.md").write_text(table)
        (RESULTS / "latest.json").write_text(json.dumps(data, indent=2))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
