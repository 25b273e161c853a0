"""MCPToolProvider against a real stdio MCP server written in this test suite."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from roomkit_mcp import MCPError

from roomkit import (
    ChannelCategory,
    InboundMessage,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.tools.mcp import MCPToolProvider

SERVER = [sys.executable, str(Path(__file__).with_name("weather_server.py"))]


async def test_lists_and_calls_tools() -> None:
    async with MCPToolProvider(server_command=SERVER) as mcp:
        tools = {t.name: t for t in mcp.tools()}
        assert set(tools) == {"get_weather", "divide"}
        weather = tools["get_weather"].definition()
        assert weather.description == "Current weather for a city."
        assert weather.parameters["properties"]["city"]["type"] == "string"
        assert await tools["get_weather"].execute({"city": "Oslo"}) == (
            '{"city": "Oslo", "temperature": 21}'
        )
        with pytest.raises(MCPError, match="divide"):
            await tools["divide"].execute({"a": 1, "b": 0})


async def test_tools_drive_an_ai_channel() -> None:
    mcp = MCPToolProvider(server_command=SERVER)
    await mcp.initialize()
    try:
        provider = MockAIProvider(
            responses=[
                MockAIProvider.tool_call("get_weather", {"city": "Nice"}),
                "21 degrees in Nice.",
            ]
        )
        kit = RoomKit()
        ws = WebSocketChannel("ws")
        inbox: list[str] = []

        async def receive(_conn: str, event: RoomEvent) -> None:
            inbox.append(event.content.body)

        ws.register_connection("c", receive)
        kit.register_channel(ws)
        kit.register_channel(AIChannel("ai", provider=provider, tools=mcp.tools()))
        await kit.create_room(room_id="r")
        await kit.attach_channel("r", "ws")
        await kit.attach_channel("r", "ai", category=ChannelCategory.INTELLIGENCE)
        await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="Nice?"))
        )
        assert [t.name for t in provider.calls[0].tools] == ["get_weather", "divide"]
        result = provider.calls[1].messages[-1].tool_results[0]
        assert result.result == '{"city": "Nice", "temperature": 21}' and not result.is_error
        assert inbox[-1] == "21 degrees in Nice."
    finally:
        await mcp.close()


async def test_bad_command_is_a_clear_error() -> None:
    with pytest.raises(MCPError, match="cannot start MCP server"):
        await MCPToolProvider(server_command=["/nonexistent/mcp-server"]).initialize()
    with pytest.raises(MCPError, match="initialize"):
        MCPToolProvider(server_command=SERVER).tools()


def test_empty_command_is_refused() -> None:
    with pytest.raises(ValueError, match="server_command"):
        MCPToolProvider(server_command=[])
