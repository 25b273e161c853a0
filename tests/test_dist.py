"""``./dev dist``: a wheelhouse that installs ours and only ours, offline, into a fresh venv."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "dist.py"


def _load_dist_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("roomkit_dist_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


dist_script = _load_dist_module()

ADAPTER_PYPROJECT = """\
[build-system]
requires = ["setuptools>=75"]

[project]
name = "roomkit-twilio"
version = "0.1.0"
dependencies = [
    "roomkit",
    "roomkit-fakes>=0.0.1 ; python_version >= '3.12'",
    "roomkit[sqlite]",
    "roomkitten>=1",
    "httpx>=0.27",
]

[project.optional-dependencies]
test = ["roomkit-contracts"]

[project.entry-points.roomkit]
twilio = "roomkit_twilio.plugin"

[tool.uv.sources]
roomkit = { workspace = true }

[tool.uv]
cache-keys = [{ file = "pyproject.toml" }]
"""


def test_requirements_on_workspace_distributions_are_pinned_to_the_workspace_version() -> None:
    versions = {"roomkit": "0.1.0", "roomkit-fakes": "0.1.0", "roomkit-contracts": "0.1.0"}
    pinned = tomllib.loads(dist_script.pin_workspace_requirements(ADAPTER_PYPROJECT, versions))
    assert pinned["project"]["name"] == "roomkit-twilio"
    assert pinned["project"]["dependencies"] == [
        "roomkit==0.1.0",
        "roomkit-fakes==0.1.0; python_version >= '3.12'",
        "roomkit[sqlite]==0.1.0",
        "roomkitten>=1",
        "httpx>=0.27",
    ]
    assert pinned["project"]["optional-dependencies"]["test"] == ["roomkit-contracts==0.1.0"]
    assert "uv" not in pinned.get("tool", {})
    assert pinned["project"]["entry-points"]["roomkit"] == {"twilio": "roomkit_twilio.plugin"}


def test_every_adapter_folder_and_contracts_are_part_of_the_wheelhouse() -> None:
    names = {d.name for d in dist_script.workspace()}
    expected = {"roomkit", "roomkit-contracts"}
    expected |= {
        tomllib.loads(p.read_text())["project"]["name"]
        for p in (ROOT / "adapters").glob("*/pyproject.toml")
    }
    assert names == expected
    assert {d.version for d in dist_script.workspace()} == {
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    }


def _clean_pip_env() -> dict[str, str]:
    """No machine-wide pip configuration: nothing but the wheelhouse may be consulted."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.pop("VIRTUAL_ENV", None)
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return env


RUN_A_MESSAGE = """
import asyncio, importlib.metadata as md, sys
import roomkit, roomkit_contracts
from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel
from roomkit.store.sqlite import SQLiteStore
from roomkit.providers.anthropic.ai import AnthropicAIProvider

async def main():
    kit = RoomKit(store=SQLiteStore(sys.argv[1]))
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    got = []
    async def receive(connection, event):
        got.append(event.content.body)
    ws.register_connection("c", receive)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="hi"))
    )
    assert got == ["hi"], got
    assert len(await kit.get_timeline("r")) == 1
    await kit.close()

asyncio.run(main())
print(roomkit.__file__)
print(AnthropicAIProvider.__module__)
for dist in sorted(d.metadata["Name"] for d in md.distributions()):
    if dist.startswith("roomkit"):
        print(dist, md.version(dist))
"""


@pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("ROOMKIT_TEST_DIST")),
    reason="builds and installs the whole wheelhouse; runs with CI=true or ROOMKIT_TEST_DIST=1",
)
def test_the_wheelhouse_installs_ours_offline_into_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(dist)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    venv = tmp_path / "venv"
    subprocess.run([dist_script._pip_python(), "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-index",
            "--find-links",
            str(dist),
            "roomkit[sqlite,anthropic]",
            "roomkit-contracts",
        ],
        capture_output=True,
        text=True,
        env=_clean_pip_env(),
    )
    assert install.returncode == 0, install.stderr
    run = subprocess.run(
        [python, "-c", RUN_A_MESSAGE, str(tmp_path / "rooms.db")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_pip_env(),
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(str(venv))
    assert lines[1].startswith("roomkit_anthropic")
    installed = dict(line.split(" ") for line in lines[2:])
    assert installed == {
        "roomkit": "0.1.0",
        "roomkit-anthropic": "0.1.0",
        "roomkit-contracts": "0.1.0",
        "roomkit-sql": "0.1.0",
    }
