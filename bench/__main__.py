"""``python -m bench``: run the scenarios on this roomkit, on the published one, or on both.

    python -m bench                                   # ours, every scenario, n = 5000
    python -m bench --target both                     # ours and roomkit==0.109.0, with ratios
    python -m bench --scenarios single_channel,fan_out_10 --n 2000 --json out.json
    python -m bench --target both --repeat 3          # 3 runs each, the median one reported
    python -m bench --profile rooms_1000_concurrent   # cProfile of one scenario on ours
    python -m bench postgres                          # PostgreSQL scenarios (bench/postgres.py)
    python -m bench realtime                          # speech-to-speech relay (realtime_relay.py)
    python -m bench transports                        # audio transports (bench/transports.py)

Every scenario runs in a fresh subprocess per implementation (the same bench code, the other
interpreter), prints one JSON line, and the parent collects them. The results of the last run go
to bench/results/latest.json and bench/results/latest.md (unless --no-save).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PUBLISHED_VENV = BENCH / ".venvs" / "published"
PUBLISHED_VERSION = "0.109.0"
RESULTS = BENCH / "results"
PROFILES = BENCH / ".profiles"
MARKER = "BENCH-RESULT "
WORKER_TIMEOUT_S = 3600


def scenario_kwargs(name: str, args: argparse.Namespace, warmup: bool) -> dict[str, Any]:
    n = max(10, min(500, args.n // 10)) if warmup else args.n
    if name == "rooms_1000_concurrent":
        rooms = min(args.rooms, 50) if warmup else args.rooms
        return {"n": n, "rooms": rooms, "concurrency": min(args.concurrency, rooms)}
    if name == "timeline_page_50k":
        if warmup:
            return {"events": min(args.timeline_events, 1000), "reads": 5}
        return {"events": args.timeline_events, "reads": args.page_reads}
    return {"n": n}


# the worker: one scenario in this interpreter ------------------------------------------------
def run_worker(name: str, args: argparse.Namespace) -> dict[str, Any]:
    import roomkit
    from bench.measure import summarize
    from bench.scenarios import SCENARIOS, UNITS

    scenario = SCENARIOS[name]

    async def both() -> Any:
        await scenario(**scenario_kwargs(name, args, warmup=True))  # imports, caches, JIT-free
        return await scenario(**scenario_kwargs(name, args, warmup=False))

    measurement = asyncio.run(both())
    return {
        "scenario": name,
        "unit": UNITS[name],
        "params": scenario_kwargs(name, args, warmup=False),
        "roomkit_version": _version(),
        "roomkit_path": str(Path(roomkit.__file__).resolve()),
        "python": sys.executable,
        "load_average_1min": os.getloadavg()[0],  # other work on the machine when it ran
        **summarize(measurement),
        "extra": measurement.extra,
    }


def _version() -> str:
    from importlib.metadata import version

    return version("roomkit")


# the parent: subprocesses and the report ----------------------------------------------------
def ensure_published() -> Path:
    """Create bench/.venvs/published with roomkit==0.109.0 from PyPI, once."""
    python = PUBLISHED_VENV / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"
    uv_cmd = [str(uv)] if uv.exists() else [sys.executable, "-m", "uv"]
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    if python.exists():
        # its voice pipeline imports numpy, which it does not declare (venvs made before the
        # voice scenario lack it)
        if subprocess.run([str(python), "-c", "import numpy"], capture_output=True).returncode:
            subprocess.run(
                [*uv_cmd, "pip", "install", "-q", "-p", str(python), "numpy"], check=True, env=env
            )
        return python
    interpreter = getattr(sys, "_base_executable", sys.executable)
    print(f"creating {PUBLISHED_VENV} with roomkit=={PUBLISHED_VERSION} ...", file=sys.stderr)
    subprocess.run(
        [*uv_cmd, "venv", "-q", "-p", interpreter, str(PUBLISHED_VENV)], check=True, env=env
    )
    subprocess.run(
        [
            *uv_cmd,
            "pip",
            "install",
            "-q",
            "-p",
            str(python),
            f"roomkit=={PUBLISHED_VERSION}",
            "numpy",
        ],
        check=True,
        env=env,
    )
    return python


def in_subprocess(
    python: Path, target: str, name: str, args: argparse.Namespace, sandbox: Path
) -> dict[str, Any]:
    cmd = [
        str(python), "-m", "bench", "--worker", "--scenarios", name, "--n", str(args.n),
        "--rooms", str(args.rooms), "--concurrency", str(args.concurrency),
        "--timeline-events", str(args.timeline_events), "--page-reads", str(args.page_reads),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(sandbox)}
    env.pop("VIRTUAL_ENV", None)
    # The sandbox holds nothing but a link to bench/, so the published interpreter cannot pick up
    # this repository's sources by accident.
    out = subprocess.run(
        cmd, capture_output=True, text=True, env=env, cwd=sandbox, timeout=WORKER_TIMEOUT_S
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith(MARKER)]
    if out.returncode != 0 or not lines:
        raise SystemExit(
            f"{name} failed on {target} ({python}), exit {out.returncode}:\n"
            f"{out.stdout[-2000:]}\n{out.stderr[-6000:]}"
        )
    result: dict[str, Any] = json.loads(lines[-1][len(MARKER) :])
    inside_published = Path(result["roomkit_path"]).is_relative_to(PUBLISHED_VENV.resolve())
    if inside_published != (target == "published"):
        raise SystemExit(f"{target} run imported the wrong roomkit: {result['roomkit_path']}")
    result["target"] = target
    return result


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput, whole (its latencies and decay belong to it), plus
    every run's throughput so the spread shows."""
    ordered = sorted(runs, key=lambda r: r["ops_per_s"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["runs"] = len(runs)
    chosen["ops_per_s_of_runs"] = [r["ops_per_s"] for r in runs]
    return chosen


def _git() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown commit"
    return f"git {sha}{' + uncommitted changes' if dirty else ''}"


def _meta(args: argparse.Namespace, ours: dict[str, Any], published: dict[str, Any]) -> dict:
    any_ours = next(iter(ours.values()), None)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "host": platform.node(),
        "machine": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "n": args.n,
        "rooms": args.rooms,
        "concurrency": args.concurrency,
        "timeline_events": args.timeline_events,
        "page_reads": args.page_reads,
        "repeat": args.repeat,
        "target": args.target,
        "ours_version": any_ours["roomkit_version"] if any_ours else "-",
        "published_version": PUBLISHED_VERSION if published else "-",
        "git": _git(),
    }


def profile(name: str, args: argparse.Namespace) -> int:
    """cProfile one scenario on this interpreter's roomkit; top functions by own time."""
    import cProfile
    import pstats

    from bench.scenarios import SCENARIOS

    scenario = SCENARIOS[name]
    asyncio.run(scenario(**scenario_kwargs(name, args, warmup=True)))
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(scenario(**scenario_kwargs(name, args, warmup=False)))
    profiler.disable()
    PROFILES.mkdir(parents=True, exist_ok=True)
    path = PROFILES / f"{name}.prof"
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)
    _repo_paths(stats)
    stats.sort_stats("tottime").print_stats(30)
    print(f"full profile: {path} (python -m pstats {path}, or snakeviz)")
    return 0


def _repo_paths(stats: Any) -> None:
    """Name functions by their file in this repository (the editable install links to it)."""

    def short(key: tuple[str, int, str]) -> tuple[str, int, str]:
        path = os.path.realpath(key[0])
        if path.startswith(str(ROOT) + os.sep):
            path = os.path.relpath(path, ROOT)
        elif "site-packages" in path or "/lib/python" in path:
            path = path.rsplit("/lib/", 1)[-1]
        return path, key[1], key[2]

    stats.stats = {
        short(k): (cc, nc, tt, ct, {short(c): v for c, v in callers.items()})
        for k, (cc, nc, tt, ct, callers) in stats.stats.items()
    }


def main(argv: list[str] | None = None) -> int:
    from bench import report
    from bench.scenarios import OURS_ONLY, SCENARIOS, TIMELINE_EVENTS

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="messages per scenario (5000)")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"comma-separated: {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--target", choices=["ours", "published", "both"], default="ours")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--rooms", type=int, default=1000, help="rooms_1000_concurrent: rooms")
    parser.add_argument("--concurrency", type=int, default=100, help="messages in flight")
    parser.add_argument("--timeline-events", type=int, default=TIMELINE_EVENTS)
    parser.add_argument("--page-reads", type=int, default=200, help="page reads per position")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per scenario and target; the run with the median ops/s is reported",
    )
    parser.add_argument(
        "--no-save", action="store_true", help="leave bench/results/latest.* as they are"
    )
    parser.add_argument("--profile", metavar="SCENARIO", help="cProfile one scenario on ours")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(names) - set(SCENARIOS)
    if args.profile:
        unknown |= {args.profile} - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; known: {', '.join(SCENARIOS)}")
    if args.timeline_events < 100:
        parser.error("--timeline-events must be at least 100")

    if args.profile:
        return profile(args.profile, args)
    if args.worker:
        for name in names:
            print(MARKER + json.dumps(run_worker(name, args)), flush=True)
        return 0

    targets: dict[str, Path] = {}
    if args.target in ("ours", "both"):
        targets["ours"] = Path(sys.executable)
    if args.target in ("published", "both"):
        targets["published"] = ensure_published()
    results: dict[str, dict[str, Any]] = {t: {} for t in ("ours", "published")}
    with tempfile.TemporaryDirectory(prefix="roomkit-bench-") as tmp:
        sandbox = Path(tmp)
        (sandbox / "bench").symlink_to(BENCH, target_is_directory=True)
        for name in names:
            runs: dict[str, list[dict[str, Any]]] = {t: [] for t in targets}
            for _ in range(args.repeat):  # the targets take turns, so drift hits both alike
                for target, python in targets.items():
                    if target == "published" and name in OURS_ONLY:
                        continue
                    r = in_subprocess(python, target, name, args, sandbox)
                    runs[target].append(r)
                    print(report.progress_line(r), flush=True)
            for target, rs in runs.items():
                if rs:
                    results[target][name] = median_run(rs)

    data = {
        "meta": _meta(args, results["ours"], results["published"]),
        "ours": results["ours"],
        "published": results["published"],
    }
    table = report.markdown(data)
    print()
    print(table)
    if args.json:
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(data, indent=2) + "\n")
        (RESULTS / "latest.md").write_text(table)
        print(f"wrote {RESULTS / 'latest.json'} and {RESULTS / 'latest.md'}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["postgres"]:  # ./dev bench postgres [args]: the durable store
        import runpy

        sys.argv = ["python -m bench.postgres", *sys.argv[2:]]
        runpy.run_module("bench.postgres", run_name="__main__")
        sys.exit(0)
    if sys.argv[1:2] == ["realtime"]:  # ./dev bench realtime [args]: the speech-to-speech relay
        from bench import realtime_relay

        sys.exit(realtime_relay.main(sys.argv[2:]))
    if sys.argv[1:2] == ["transports"]:  # ./dev bench transports [args]: RTP, Twilio, WebRTC
        from bench.transports import main as transports

        transports(sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
