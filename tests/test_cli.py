"""The ``roomkit`` console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOMKIT = Path(sys.executable).parent / "roomkit"


def run(*args: str) -> str:
    result = subprocess.run([str(ROOMKIT), *args], capture_output=True, text=True, check=True)
    return result.stdout


def test_plugins_lists_adapters_per_port() -> None:
    out = run("plugins")
    assert out.startswith("store:\n  memory")
    assert "roomkit (built-in)" in out
    data = json.loads(run("plugins", "--json"))
    assert {s["name"] for s in data["channel"]} == {"websocket", "cli"}
    assert {s["name"] for s in data["ai_provider"]} >= {"mock", "anthropic"}
    telemetry = {s["name"]: s["distribution"] for s in data["telemetry"]}
    assert telemetry["opentelemetry"].startswith("roomkit-opentelemetry")


def test_demo_runs_the_quickstart_and_prints_the_timeline() -> None:
    out = run("demo")
    assert "alice sent 'Hello everyone!' -> delivered" in out
    assert "blocked (Message blocked by profanity filter)" in out
    assert "#0 [ws-alice] Hello everyone!" in out
    assert "#1 [ai-assistant] Got it!" in out
    assert "#2 [ws-bob] this has a badword in it [BLOCKED]" in out
    assert "bob received: ['Hello everyone!', 'Got it!']" in out


def test_python_dash_m_roomkit() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "roomkit", "plugins"], capture_output=True, text=True, check=True
    )
    assert "lock_manager:" in result.stdout
