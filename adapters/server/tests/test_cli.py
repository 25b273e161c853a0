"""``roomkit serve`` as a user runs it: a subprocess, a TOML file, a port, SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOMKIT = Path(sys.executable).parent / "roomkit"

CONFIG = """
store = "memory"

[server]
api_key = "cli-token"

[[channels]]
id = "ws"
type = "websocket"

[[channels]]
id = "assistant"
type = "ai"
provider = { name = "mock", settings = { responses = ["Hello from the CLI"] } }
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"roomkit serve exited: {process.communicate()}")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("roomkit serve did not answer /healthz within 60 s")


@pytest.mark.parametrize("command", [[str(ROOMKIT)], [sys.executable, "-m", "roomkit"]])
def test_serve_runs_from_a_toml_file_and_stops_cleanly(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "roomkit.toml"
    path.write_text(CONFIG)
    port = _free_port()
    process = subprocess.Popen(
        [*command, "serve", "--config", str(path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        auth = {"Authorization": "Bearer cli-token"}
        with httpx.Client(base_url=url, headers=auth, timeout=30) as client:
            assert client.post("/api/rooms", json={"room_id": "r"}).status_code == 201
            client.post("/api/rooms/r/bindings", json={"channel_id": "ws"})
            client.post("/api/rooms/r/bindings", json={"channel_id": "assistant"})
            sent = client.post("/api/rooms/r/events", json={"channel_id": "ws", "text": "hi"})
            assert sent.status_code == 201
            events = client.get("/api/rooms/r/events").json()["events"]
            assert [e["content"]["body"] for e in events] == ["hi", "Hello from the CLI"]
            assert httpx.get(url + "/api/rooms").status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert f"listening on http://127.0.0.1:{port}" in err
    assert err.rstrip().endswith("roomkit serve: stopped")


def test_serve_refuses_to_start_without_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roomkit.toml"
    path.write_text(CONFIG.replace('api_key = "cli-token"', ""))
    env = {k: v for k, v in __import__("os").environ.items() if k != "ROOMKIT_API_KEY"}
    result = subprocess.run(
        [str(ROOMKIT), "serve", "--config", str(path), "--port", str(_free_port())],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert "ROOMKIT_API_KEY" in result.stderr
    assert "--insecure-dev" in result.stderr


def test_bad_configuration_is_named(tmp_path: Path) -> None:
    path = tmp_path / "roomkit.toml"
    path.write_text(CONFIG.replace('api_key = "cli-token"', 'api_key = "k"\nportt = 1'))
    result = subprocess.run(
        [str(ROOMKIT), "serve", "--config", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "portt" in result.stderr


def test_the_core_cli_hints_at_the_distribution_when_it_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from roomkit import cli

    monkeypatch.setattr(cli, "entry_points", lambda group: [])
    assert cli.main(["serve", "--config", "roomkit.toml"]) == 2
    err = capsys.readouterr().err
    assert "roomkit serve needs the roomkit-server distribution" in err
    assert "--find-links dist" in err and "roomkit[server]" in err


def test_serve_runs_the_setup_function_of_the_config(tmp_path: Path) -> None:
    (tmp_path / "my_setup.py").write_text(
        "from roomkit import HookExecution, HookResult, HookTrigger\n"
        "def install(kit):\n"
        "    @kit.hook(HookTrigger.BEFORE_BROADCAST, HookExecution.SYNC)\n"
        "    async def no_shouting(event, context):\n"
        "        if getattr(event.content, 'body', '').isupper():\n"
        "            return HookResult(action='block', reason='no shouting')\n"
        "        return HookResult()\n"
    )
    path = tmp_path / "roomkit.toml"
    path.write_text(
        CONFIG.replace('api_key = "cli-token"', 'api_key = "cli-token"\nsetup = "my_setup:install"')
    )
    port = _free_port()
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path)}
    process = subprocess.Popen(
        [str(ROOMKIT), "serve", "--config", str(path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        auth = {"Authorization": "Bearer cli-token"}
        with httpx.Client(base_url=url, headers=auth, timeout=30) as client:
            client.post("/api/rooms", json={"room_id": "r"})
            client.post("/api/rooms/r/bindings", json={"channel_id": "ws"})
            sent = client.post("/api/rooms/r/events", json={"channel_id": "ws", "text": "HELLO"})
            assert sent.json()["status"] == "blocked"
            assert sent.json()["blocked_by"] == "no shouting"
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    broken = tmp_path / "broken.toml"
    broken.write_text(
        CONFIG.replace('api_key = "cli-token"', 'api_key = "k"\nsetup = "nowhere:install"')
    )
    result = subprocess.run(
        [str(ROOMKIT), "serve", "--config", str(broken)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "setup 'nowhere:install' cannot be loaded" in result.stderr
