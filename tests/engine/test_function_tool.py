"""@tool: a typed function with a docstring becomes a tool the AI channel can call."""

from __future__ import annotations

import json
from enum import StrEnum

import pytest
from pydantic import BaseModel

from roomkit import (
    AIChannel,
    ChannelCategory,
    InboundMessage,
    RoomKit,
    TextContent,
    WebSocketChannel,
    tool,
)
from roomkit.providers.ai.mock import MockAIProvider


class Unit(StrEnum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


class Place(BaseModel):
    city: str
    country: str = "FR"


@tool
async def get_weather(place: Place, unit: Unit = Unit.CELSIUS, days: int = 1) -> dict[str, object]:
    """Current weather for a place.

    Args:
        place: Where to look.
        unit: Temperature unit.
        days: How many days ahead,
            from 1 to 7.

    Returns:
        The forecast.
    """
    return {"city": place.city, "unit": unit, "days": days}


def test_the_schema_comes_from_the_signature_and_the_docstring() -> None:
    assert get_weather.name == "get_weather"
    assert get_weather.description == "Current weather for a place."
    schema = get_weather.parameters
    assert schema["type"] == "object" and schema["required"] == ["place"]
    props = schema["properties"]
    assert props["days"] == {
        "type": "integer",
        "default": 1,
        "description": "How many days ahead, from 1 to 7.",
    }
    assert props["unit"]["description"] == "Temperature unit."
    assert schema["$defs"]["Unit"]["enum"] == ["celsius", "fahrenheit"]
    assert set(schema["$defs"]["Place"]["properties"]) == {"city", "country"}
    assert "title" not in json.dumps(schema)


async def test_arguments_are_validated_and_converted_before_the_call() -> None:
    result = await get_weather.execute({"place": {"city": "Paris"}, "days": "3"})
    assert json.loads(result) == {"city": "Paris", "unit": "celsius", "days": 3}
    with pytest.raises(ValueError, match=r"place: Field required.*|place.*required"):
        await get_weather.execute({"days": 2})
    with pytest.raises(ValueError, match="unit"):
        await get_weather.execute({"place": {"city": "Paris"}, "unit": "kelvin"})


async def test_sync_functions_and_explicit_names_work_and_stay_callable() -> None:
    @tool(name="add_numbers")
    def add(a: int, b: int = 2) -> int:
        """Add two numbers."""
        return a + b

    assert add(1, 1) == 2
    assert add.name == "add_numbers"
    assert await add.execute({"a": 3}) == "5"


def test_untyped_or_undocumented_functions_are_refused() -> None:
    with pytest.raises(TypeError, match="'x' needs a type annotation"):

        @tool
        def untyped(x) -> str:  # type: ignore[no-untyped-def]
            """Doc."""
            return ""

    with pytest.raises(TypeError, match="docstring"):

        @tool
        def undocumented(x: int) -> str:
            return ""


async def test_an_ai_channel_calls_a_decorated_function() -> None:
    provider = MockAIProvider(
        responses=[
            MockAIProvider.tool_call("get_weather", {"place": {"city": "Lyon"}, "days": 2}),
            "Sunny in Lyon.",
        ]
    )
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(AIChannel("bot", provider=provider, tools=[get_weather]))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "bot", category=ChannelCategory.INTELLIGENCE)
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="Weather?")),
        room_id="r",
    )
    first, second = provider.calls
    assert [t.name for t in first.tools] == ["get_weather"]
    assert first.tools[0].parameters == get_weather.parameters
    [result] = second.messages[-1].tool_results
    assert json.loads(result.result) == {"city": "Lyon", "unit": "celsius", "days": 2}
    assert not result.is_error
