"""Hooks declared in a configuration file by import path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from roomkit import InboundMessage, RoomKit, TextContent
from roomkit.domain.errors import ConfigError

HOOKS_MODULE = """
from roomkit import HookResult

SEEN = []

async def no_spam(event, ctx):
    if "spam" in event.content.body:
        return HookResult.block("no spam")
    return HookResult.allow()

async def audit(event, ctx):
    SEEN.append(event.content.body)

def not_async(event, ctx):
    return None
"""

TOML = """
[[channels]]
id = "ws"
type = "websocket"

[[hooks]]
trigger = "before_broadcast"
handler = "cfg_hooks_mod:no_spam"
priority = 1
fail_closed = true

[[hooks]]
trigger = "after_broadcast"
handler = "cfg_hooks_mod.audit"
channel_ids = ["ws"]
"""


@pytest.fixture
def hooks_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cfg_hooks_mod.py").write_text(HOOKS_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("cfg_hooks_mod", None)


async def test_hooks_from_a_toml_file_run(hooks_module: Path) -> None:
    path = hooks_module / "roomkit.toml"
    path.write_text(TOML)
    kit = RoomKit.from_config(path)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")

    def message(body: str) -> InboundMessage:
        return InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=body))

    blocked = await kit.process_inbound(message("buy spam"), room_id="r")
    allowed = await kit.process_inbound(message("hello"), room_id="r")
    assert blocked.blocked and blocked.reason == "no spam"
    assert not allowed.blocked
    await kit.close()
    assert sys.modules["cfg_hooks_mod"].SEEN == ["hello"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("handler", "problem"),
    [
        ("cfg_hooks_mod:no_spm", "has no 'no_spm' .*did you mean 'no_spam'"),
        ("cfg_hooks_missing:no_spam", "cannot import 'cfg_hooks_missing'"),
        ("cfg_hooks_mod:not_async", "not an async function"),
        ("nodots", "not an import path"),
    ],
)
def test_a_wrong_handler_is_a_config_error_naming_the_hook(
    hooks_module: Path, handler: str, problem: str
) -> None:
    config = {"hooks": [{"trigger": "before_broadcast", "handler": handler}]}
    with pytest.raises(ConfigError, match=rf"hooks\[0\]: .*{problem}"):
        RoomKit.from_config(config)


def test_unknown_hook_keys_and_triggers_are_config_errors(hooks_module: Path) -> None:
    with pytest.raises(ConfigError, match=r"hooks\[0\].'handeler'.*'handler'"):
        RoomKit.from_config({"hooks": [{"trigger": "before_broadcast", "handeler": "x:y"}]})
    with pytest.raises(ConfigError, match="trigger"):
        RoomKit.from_config({"hooks": [{"trigger": "before_everything", "handler": "x:y"}]})
