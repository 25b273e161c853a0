"""Packaging: the wheel holds exactly the modules on disk, and installs into a fresh venv."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "composition": "roomkit",
    "domain": "roomkit/domain",
    "ports": "roomkit/ports",
    "application": "roomkit/application",
    "plugins": "roomkit/plugins",
}


UV = str(Path(sys.executable).parent / "uv")  # a dev dependency, so it is in the venv


def modules_on_disk() -> set[str]:
    found: set[str] = set()
    for folder, package in LAYERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            found.add(f"{package}/{path.relative_to(ROOT / folder).as_posix()}")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [UV, "build", "--wheel", "--package", "roomkit", "--out-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    [built] = out.glob("roomkit-*.whl")
    return built


def test_wheel_modules_match_the_layer_folders(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        packaged = {n for n in archive.namelist() if n.startswith("roomkit/") and n.endswith(".py")}
        assert "roomkit/py.typed" in archive.namelist()
    assert packaged == modules_on_disk()


def test_every_builtin_plugin_module_is_registered() -> None:
    from roomkit.plugins import builtin

    on_disk = {p.stem for p in (ROOT / "plugins" / "builtin").glob("*.py") if p.stem != "__init__"}
    assert {m.__name__.rsplit(".", 1)[-1] for m in builtin.PLUGINS} == on_disk


def test_wheel_installs_and_works_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([UV, "venv", "-q", "-p", sys.executable, str(venv)], check=True, env=env)
    subprocess.run(
        [UV, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        env=env,
    )
    code = (
        "import asyncio, roomkit\n"
        "from roomkit import RoomKit, InboundMessage, TextContent, WebSocketChannel\n"
        "async def main():\n"
        "    kit = RoomKit(); ws = WebSocketChannel('ws'); kit.register_channel(ws)\n"
        "    got = []\n"
        "    async def recv(c, e): got.append(e.content.body)\n"
        "    ws.register_connection('c', recv)\n"
        "    await kit.create_room(room_id='r'); await kit.attach_channel('r', 'ws')\n"
        "    await kit.process_inbound(InboundMessage(channel_id='ws', sender_id='u',"
        " content=TextContent(body='hi')))\n"
        "    assert got == ['hi'], got\n"
        "    print(roomkit.__file__)\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    assert str(venv) in result.stdout
    plugins = subprocess.run(
        [str(venv / "bin" / "roomkit"), "plugins"], capture_output=True, text=True, check=True
    )
    assert "websocket" in plugins.stdout and "opentelemetry" not in plugins.stdout
