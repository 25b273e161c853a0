"""``./dev bench postgres`` (``python -m bench.postgres``): the durable store on PostgreSQL,
ours beside the published roomkit==0.109.0 in the same run.

Scenarios (each in a fresh database, created here and dropped afterwards):
- ``sequential``: 300 messages into one room, one after another (one receiving WebSocket);
- ``rooms_concurrent``: 300 messages over 20 rooms, the rooms concurrently;
- ``fan_out``: 100 messages into one room with 10 receiving WebSocket channels;
- ``floor``: the server's floor, one asyncpg transaction per message assigning the index and
  inserting the event;
- ``processes``: ours only, 1 and 3 processes with store and room locks on PostgreSQL (total
  messages per second): each process on one room of its own, or the three on the same room;
  then the same with four rooms per process; and one process and three on the same room with
  the default in-process room locks (what ``RoomKit(store=store)`` uses). Each of the
  ``--repeat`` rounds runs them all, and each round's ratio to one process is taken within it.
Every scenario checks its deliveries and gap-free indexes; a failed check aborts the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
WORKER = BENCH / "pg_worker.py"
RESULTS = BENCH / "results"
PG_DSN = os.environ.get("ROOMKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class FreshDatabase:
    """A database of its own for one scenario: ``async with FreshDatabase() as dsn``."""

    async def __aenter__(self) -> str:
        self.name = f"rkbench_{uuid.uuid4().hex[:10]}"
        await _admin(f'CREATE DATABASE "{self.name}"')
        return PG_DSN.rsplit("/", 1)[0] + "/" + self.name

    async def __aexit__(self, *exc: object) -> None:
        await _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _run(python: str, args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [python, str(WORKER), *args], capture_output=True, text=True, cwd=BENCH, timeout=1800
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise RuntimeError(f"{args[0]} on {python} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(lines[-1][len("RESULT ") :]))


async def scenario(python: str, args: list[str]) -> dict[str, Any]:
    async with FreshDatabase() as dsn:
        return await asyncio.to_thread(_run, python, [args[0], dsn, *args[1:]])


async def processes(
    python: str, count: int, same_room: bool, n: int, rooms_per_process: int, locks: str
) -> float:
    """Total messages per second of ``count`` processes started together, each sending ``n``
    messages spread over its ``rooms_per_process`` rooms (the rooms concurrently), with room
    locks on PostgreSQL (``locks="postgres"``) or in each process (``"local"``)."""
    from roomkit_sql import PostgresStore

    from roomkit import RoomKit, WebSocketChannel

    async with FreshDatabase() as dsn:
        store = PostgresStore(dsn)
        kit = RoomKit(store=store)
        kit.register_channel(WebSocketChannel("in"))
        room_sets = [
            [f"room-{0 if same_room else p}-{r}" for r in range(rooms_per_process)]
            for p in range(count)
        ]
        for room in {room for rooms in room_sets for room in rooms}:
            await kit.create_room(room_id=room)
            await kit.attach_channel(room, "in")
        await kit.close()
        procs = [
            await asyncio.create_subprocess_exec(
                python,
                str(WORKER),
                "process",
                dsn,
                str(n),
                ",".join(rooms),
                locks,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=BENCH,
            )
            for rooms in room_sets
        ]
        for proc in procs:
            assert proc.stdout is not None
            line = await proc.stdout.readline()
            if not line.startswith(b"READY"):
                _, err = await proc.communicate()
                raise RuntimeError(err.decode()[-3000:])
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        outs = []
        for proc in procs:
            out, err = await proc.communicate()
            if proc.returncode:
                raise RuntimeError(err.decode()[-3000:])
            line = [x for x in out.decode().splitlines() if x.startswith("RESULT ")][-1]
            outs.append(json.loads(line[len("RESULT ") :]))
        import asyncpg

        conn = await asyncpg.connect(dsn)
        try:
            # every room's indexes are gap-free across the processes
            rows = await conn.fetch(
                "SELECT room_id, count(*) AS n, max(idx) AS top FROM events GROUP BY 1"
            )
        finally:
            await conn.close()
        for row in rows:
            if row["top"] != row["n"] - 1:
                raise RuntimeError(f"{row['room_id']}: indexes are not gap-free")
        stored = sum(row["n"] for row in rows)
        sent = sum(o["sent"] for o in outs)
        if stored != sent + count:  # each process's warm-up message
            raise RuntimeError(f"stored {stored} events, sent {sent + count}")
        wall = max(o["end"] for o in outs) - min(o["start"] for o in outs)
        return sent / wall


SCENARIOS = {
    "sequential": ["sequential", "300"],
    "rooms_concurrent": ["rooms_concurrent", "300", "20"],
    "fan_out": ["fan_out", "100", "10"],
}


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput (the lower middle one of an even count)."""
    ordered = sorted(runs, key=lambda run: run["msgs_per_s"])
    return ordered[(len(ordered) - 1) // 2]


def published_python() -> str:
    from bench.__main__ import ensure_published

    python = ensure_published()
    check = subprocess.run([str(python), "-c", "import asyncpg"], capture_output=True)
    if check.returncode:
        uv = Path(sys.executable).parent / "uv"
        subprocess.run(
            [str(uv), "pip", "install", "-q", "-p", str(python), "asyncpg"],
            check=True,
            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        )
    return str(python)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    ours = sys.executable
    theirs = None if args.ours_only else published_python()
    rows: dict[str, Any] = {}
    for name, argv in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        runs: dict[str, list[dict[str, Any]]] = {"ours": [], "published": []}
        for _ in range(args.repeat):  # rounds alternate the two, so both see the same machine
            runs["ours"].append(await scenario(ours, argv))
            if theirs:
                runs["published"].append(await scenario(theirs, argv))
        row: dict[str, Any] = {side: median_run(done) for side, done in runs.items() if done}
        if theirs:
            row["ratios"] = [
                o["msgs_per_s"] / p["msgs_per_s"]
                for o, p in zip(runs["ours"], runs["published"], strict=True)
            ]
        rows[name] = row
        print(name, json.dumps(row), file=sys.stderr)
    if not args.only or "floor" in args.only:
        rows["floor"] = {"ours": await scenario(ours, ["floor", "300"])}
    procs: dict[str, dict[str, Any]] = {}
    if not args.only or "processes" in args.only:
        for _ in range(args.repeat):  # each round runs every configuration, one after another
            for label, count, same, rooms, locks in PROCESS_RUNS:
                rate = await processes(ours, count, same, args.mp_messages, rooms, locks)
                procs.setdefault(label, {"runs": []})["runs"].append(rate)
                print(label, rate, file=sys.stderr)
        for label, row in procs.items():
            base = procs[
                next(b for b, *_ in PROCESS_RUNS if b.startswith("1 ") and _same_setup(b, label))
            ]["runs"]
            row["vs_one"] = [r / b for r, b in zip(row["runs"], base, strict=True)]
    return {"scenarios": rows, "processes": procs, "load_average_1min": os.getloadavg()[0]}


PROCESS_RUNS = (  # label, processes, the same rooms, rooms per process, room locks
    ("1 on one room", 1, False, 1, "postgres"),
    ("3 on different rooms, one each", 3, False, 1, "postgres"),
    ("3 on the same room", 3, True, 1, "postgres"),
    ("1 on four rooms", 1, False, 4, "postgres"),
    ("3 on four different rooms each", 3, False, 4, "postgres"),
    ("3 on the same four rooms", 3, True, 4, "postgres"),
    ("1 on one room, locks in each process", 1, False, 1, "local"),
    ("3 on the same room, locks in each process", 3, True, 1, "local"),
)


def _same_setup(one: str, label: str) -> bool:
    """``one`` (a one-process row) is what ``label`` is compared with: the same rooms per
    process and the same locks."""
    return ("four" in one) == ("four" in label) and ("locks in" in one) == ("locks in" in label)


def render(data: dict[str, Any]) -> str:
    rows = data["scenarios"]
    lines = [
        "| scenario | ours msgs/s | published msgs/s | ratio | ratio in each round |"
        " ours p50 ms | ours p99 ms |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for name, row in rows.items():
        ours, theirs = row["ours"], row.get("published")
        ratio = f"{ours['msgs_per_s'] / theirs['msgs_per_s']:.2f}x" if theirs else "-"
        published = f"{theirs['msgs_per_s']:,.0f}" if theirs else "-"
        rounds = ", ".join(f"{r:.2f}x" for r in row.get("ratios", [])) or "-"
        lines.append(
            f"| {name} | {ours['msgs_per_s']:,.0f} | {published} | {ratio} | {rounds} | "
            f"{ours['p50_ms']:.2f} | {ours['p99_ms']:.2f} |"
        )
    if "floor" in rows and "sequential" in rows:
        share = rows["sequential"]["ours"]["msgs_per_s"] / rows["floor"]["ours"]["msgs_per_s"]
        lines += ["", f"one room sequential / floor: {share:.2f}"]
    if data["processes"]:
        lines += [
            "",
            "| processes (store on PostgreSQL; room locks on it unless said)"
            " | msgs/s in total (median) | vs 1 process (median) | vs 1 process in each round |",
            "|---|---:|---:|---|",
        ]
        for label, row in data["processes"].items():
            rounds = ", ".join(f"{r:.2f}" for r in row["vs_one"])
            lines.append(
                f"| {label} | {statistics.median(row['runs']):,.0f} |"
                f" {statistics.median(row['vs_one']):.2f} | {rounds} |"
            )
    lines += ["", f"load average (1 min) at the end: {data['load_average_1min']:.2f}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.postgres")
    parser.add_argument("--ours-only", action="store_true")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None)
    parser.add_argument("--mp-messages", type=int, default=1000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of each compared scenario (median shown)"
    )
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    data = asyncio.run(main(args))
    table = render(data)
    print(table)
    if not args.no_save:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (RESULTS / "postgres.md").write_text(
            f"Measured {stamp}, one run; {args.repeat} rounds of each compared scenario.\n\n"
            + table
        )
        (RESULTS / "postgres.json").write_text(json.dumps(data, indent=2))
