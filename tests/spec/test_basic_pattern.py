# ruff: noqa
"""The SPEC's "Basic Test Pattern" and "Testing Hooks" examples, verbatim."""

from roomkit import RoomKit, InboundMessage, TextContent, WebSocketChannel


class TestMyFeature:
    async def test_message_delivery(self) -> None:
        kit = RoomKit()

        ws = WebSocketChannel("ws-user")
        kit.register_channel(ws)

        inbox: list = []

        async def on_recv(_conn: str, event) -> None:
            inbox.append(event)

        ws.register_connection("conn", on_recv)

        await kit.create_room(room_id="test-room")
        await kit.attach_channel("test-room", "ws-user")

        result = await kit.process_inbound(
            InboundMessage(
                channel_id="ws-user",
                sender_id="user",
                content=TextContent(body="Hello"),
            )
        )

        assert not result.blocked
        assert len(inbox) == 1
        assert inbox[0].content.body == "Hello"


from roomkit import HookTrigger, HookResult, HookExecution


async def test_hook_blocks_message() -> None:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def blocker(event, ctx):
        return HookResult.block("blocked")

    result = await kit.process_inbound(
        InboundMessage(
            channel_id="ws",
            sender_id="user",
            content=TextContent(body="test"),
        )
    )
    assert result.blocked
    assert result.reason == "blocked"
