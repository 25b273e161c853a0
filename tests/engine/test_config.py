"""Composition: ports chosen by instance or by registered name, and RoomKit.from_config."""

from __future__ import annotations

from pathlib import Path

import pytest

from roomkit import InboundMessage, RoomEvent, RoomKit, TextContent
from roomkit.channels.ai import AIChannel
from roomkit.core.clock import ManualClock
from roomkit.domain.errors import AdapterConfigError, AdapterNotFoundError
from roomkit.store.memory import InMemoryStore


async def test_ports_by_instance_or_by_name() -> None:
    store = InMemoryStore()
    kit = RoomKit(store=store, clock="manual", realtime={"name": "memory"})
    assert kit.store is store
    assert isinstance(kit.runtime.clock, ManualClock)


def test_unknown_adapter_name_lists_the_installed_ones() -> None:
    with pytest.raises(AdapterNotFoundError, match=r"no store adapter named 'redis'.*memory"):
        RoomKit(store="redis")


def test_invalid_adapter_settings_name_the_field() -> None:
    with pytest.raises(AdapterConfigError, match=r"streaming: Input should be a valid boolean"):
        RoomKit.from_config(
            {
                "channels": [
                    {
                        "id": "ai",
                        "type": "ai",
                        "provider": {"name": "mock", "settings": {"streaming": "often"}},
                    }
                ]
            }
        )


def test_unknown_config_key_is_rejected() -> None:
    from roomkit.domain.errors import ConfigError

    with pytest.raises(ConfigError, match="max_chain_dept"):
        RoomKit.from_config({"max_chain_dept": 3})


TOML = """
max_chain_depth = 2
process_timeout = 5.0
store = "memory"
inbound_rate_limit = { max_per_second = 100.0 }

[[channels]]
id = "ws-user"
type = "websocket"

[[channels]]
id = "assistant"
type = "ai"
provider = { name = "mock", settings = { responses = ["Hello from config"] } }
system_prompt = "You are helpful."
"""


async def test_from_toml_file_builds_a_working_kit(tmp_path: Path) -> None:
    path = tmp_path / "roomkit.toml"
    path.write_text(TOML)
    kit = RoomKit.from_config(path)
    assert kit.runtime.settings.max_chain_depth == 2
    assert kit.runtime.settings.process_timeout == 5.0
    ai = kit.get_channel("assistant")
    assert isinstance(ai, AIChannel) and ai.system_prompt == "You are helpful."
    ws = kit.get_channel("ws-user")
    inbox: list[RoomEvent] = []

    async def recv(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", recv)  # type: ignore[attr-defined]
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws-user")
    from roomkit import ChannelCategory

    await kit.attach_channel("r", "assistant", category=ChannelCategory.INTELLIGENCE)
    await kit.process_inbound(
        InboundMessage(channel_id="ws-user", sender_id="u", content=TextContent(body="hi"))
    )
    assert [e.content.body for e in inbox] == ["hi", "Hello from config"]
