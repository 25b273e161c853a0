"""Export a room over HTTP, replay it: identical with the same hooks, differences reported
when a hook changes. The AI used a tool, and replay answers with the recorded responses."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from roomkit import (
    AIChannel,
    HookExecution,
    HookResult,
    HookTrigger,
    RoomKit,
    WebSocketChannel,
)
from roomkit.providers.ai.mock import MockAIProvider
from roomkit_server import ServerConfig, create_app, serving
from roomkit_server.replay import ExportError, read_export, replay

from .conftest import TOKEN

TOOLS = [{"name": "lookup", "description": "look a word up", "parameters": {"type": "object"}}]


def build(answers: list[Any] | None, *, strict: bool = False) -> RoomKit:
    kit = RoomKit()
    install(kit, answers, strict=strict)
    return kit


def install(kit: RoomKit, answers: list[Any] | None = None, *, strict: bool = False) -> None:
    """A browser channel and an AI that calls ``lookup`` before it answers; ``strict`` adds a
    hook that blocks messages mentioning 'refund'. Also the ``--setup`` of the replay command."""
    kit.register_channel(WebSocketChannel("ws"))
    lookups: list[str] = []

    async def handle(name: str, arguments: dict[str, Any]) -> str:
        lookups.append(str(arguments.get("q")))
        return f"definition of {arguments.get('q')}"

    provider = MockAIProvider(answers or ["unused"])
    kit.register_channel(AIChannel("assistant", provider, tools=TOOLS, tool_handler=handle))

    @kit.hook(HookTrigger.BEFORE_BROADCAST, HookExecution.SYNC)
    async def policy(event: Any, context: Any) -> HookResult:
        body = getattr(event.content, "body", "")
        if strict and "refund" in body:
            return HookResult(action="block", reason="refunds go to a human")
        return HookResult()


SCRIPT = [
    MockAIProvider.tool_call("lookup", {"q": "refund"}, call_id="c1"),
    "A refund returns your money.",
    MockAIProvider.tool_call("lookup", {"q": "invoice"}, call_id="c2"),
    "An invoice asks for money.",
]


async def _record_a_conversation(tmp_path: Path) -> Path:
    kit = build(SCRIPT)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with serving(create_app(kit, ServerConfig(api_key=TOKEN))) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=auth, timeout=30) as client:
            await client.post("/api/rooms", json={"room_id": "support", "metadata": {"tier": 1}})
            await client.post("/api/rooms/support/bindings", json={"channel_id": "ws"})
            await client.post("/api/rooms/support/bindings", json={"channel_id": "assistant"})
            for text in ("what is a refund?", "and an invoice?"):
                sent = await client.post(
                    "/api/rooms/support/events", json={"channel_id": "ws", "text": text}
                )
                assert sent.status_code == 201
            view = (await client.get("/api/rooms/support/inspect")).json()
            calls = [c["response"] for c in view["ai_calls"]]
            assert [c["tool_calls"][0]["name"] for c in calls if c["tool_calls"]] == [
                "lookup",
                "lookup",
            ]
            assert [c["content"] for c in calls if not c["tool_calls"]] == [
                "A refund returns your money.",
                "An invoice asks for money.",
            ]
            exported = await client.get("/api/rooms/support/export")
            assert exported.status_code == 200
            assert exported.headers["content-type"].startswith("application/x-ndjson")
    path = tmp_path / "support.jsonl"
    path.write_text(exported.text)
    return path


async def test_export_then_replay_gives_an_identical_room(tmp_path: Path) -> None:
    path = await _record_a_conversation(tmp_path)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    assert (header["format"], header["version"]) == ("roomkit-room-export", 1)
    kinds = [json.loads(line)["kind"] for line in lines[1:]]
    assert kinds.count("event") == 4
    assert kinds.count("ai_response") == 4  # two tool calls and two answers, in order
    export = read_export(lines)
    assert [e.content.body for e in export.events] == [  # type: ignore[union-attr]
        "what is a refund?",
        "A refund returns your money.",
        "and an invoice?",
        "An invoice asks for money.",
    ]

    async with build(None) as fresh:  # its own provider would answer "unused"
        report = await replay(fresh, export)
        replayed = await fresh.get_timeline("support")
    assert report.identical, report.summary()
    assert report.replayed_events == 4
    assert [getattr(e.content, "body", "") for e in replayed][1] == "A refund returns your money."


async def test_a_changed_hook_makes_replay_report_the_differing_events(tmp_path: Path) -> None:
    export = read_export((await _record_a_conversation(tmp_path)).read_text().splitlines())
    async with build(None, strict=True) as changed:
        report = await replay(changed, export)
    assert not report.identical
    fields = {(d.index, d.field) for d in report.differences}
    assert (0, "status") in fields  # the first message is now blocked
    assert (0, "blocked_by") in fields
    summary = report.summary()
    assert "event #0 status: recorded" in summary


def test_a_broken_export_names_the_line() -> None:
    with pytest.raises(ExportError, match="line 1: not a roomkit-room-export"):
        read_export(['{"kind": "room"}'])
    header = json.dumps({"kind": "header", "format": "roomkit-room-export", "version": 9})
    with pytest.raises(ExportError, match="version 9"):
        read_export([header])
    good = json.dumps({"kind": "header", "format": "roomkit-room-export", "version": 1})
    with pytest.raises(ExportError, match="line 2"):
        read_export([good, "{not json"])


async def test_the_replay_command(tmp_path: Path) -> None:
    path = await _record_a_conversation(tmp_path)
    module = tmp_path / "support_hooks.py"
    # "tests" is bound to this folder first: an installed distribution may ship its own
    # top-level tests package, which would shadow a folder without __init__.py
    module.write_text(
        "import importlib.machinery, importlib.util, sys\n"
        "spec = importlib.machinery.ModuleSpec('tests', None, is_package=True)\n"
        f"spec.submodule_search_locations = [{str(Path(__file__).parent)!r}]\n"
        "sys.modules['tests'] = importlib.util.module_from_spec(spec)\n"
        "from tests.test_replay import install as same\n"
    )
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "roomkit", "replay", str(path), "--setup", "support_hooks:same"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "room support: 4 events, identical" in result.stdout


async def test_the_export_command_reads_from_a_running_server(tmp_path: Path) -> None:
    import os

    kit = build(SCRIPT)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with serving(create_app(kit, ServerConfig(api_key=TOKEN))) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=auth, timeout=30) as client:
            await client.post("/api/rooms", json={"room_id": "support"})
            await client.post("/api/rooms/support/bindings", json={"channel_id": "ws"})
            await client.post("/api/rooms/support/bindings", json={"channel_id": "assistant"})
            await client.post(
                "/api/rooms/support/events", json={"channel_id": "ws", "text": "what is a refund?"}
            )
        command = [sys.executable, "-m", "roomkit", "export", "support", "--url", base_url]
        env = {**os.environ, "ROOMKIT_API_KEY": TOKEN}
        done = await asyncio.to_thread(
            subprocess.run, command, capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        export = read_export(done.stdout.splitlines())
        assert [e.content.body for e in export.events] == [  # type: ignore[union-attr]
            "what is a refund?",
            "A refund returns your money.",
        ]
        missing = await asyncio.to_thread(
            subprocess.run,
            [*command[:4], "nope", *command[5:]],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert missing.returncode == 1
        assert "404" in missing.stderr


async def test_the_export_command_reads_the_configured_store(tmp_path: Path) -> None:
    database = tmp_path / "rooms.db"
    config = tmp_path / "roomkit.toml"
    config.write_text(
        f'store = {{ name = "sqlite", settings = {{ path = "{database}" }} }}\n'
        '[server]\napi_key = "k"\n[[channels]]\nid = "ws"\ntype = "websocket"\n'
    )
    from roomkit_server import read_config

    kit_config, _ = read_config(config)
    async with RoomKit.from_config(kit_config) as kit:
        await kit.create_room("stored", metadata={"from": "sqlite"})
        await kit.attach_channel("stored", "ws")
        from roomkit import TextContent

        await kit.send_event("stored", "ws", TextContent(body="kept on disk"))
    command = [sys.executable, "-m", "roomkit", "export", "stored", "--config", str(config)]
    done = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    export = read_export(done.stdout.splitlines())
    assert export.room.metadata == {"from": "sqlite"}
    assert [e.content.body for e in export.events] == ["kept on disk"]  # type: ignore[union-attr]
    assert [b.channel_id for b in export.bindings] == ["ws"]
