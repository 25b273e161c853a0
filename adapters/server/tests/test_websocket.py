"""Browser WebSocket users over real sockets: scoping, chat with an AI, realtime relays."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .conftest import TOKEN, next_frame, ws_url

AUTH = {"Authorization": f"Bearer {TOKEN}"}
Frame = dict[str, Any]


def of(frames: list[Frame], kind: str) -> list[Frame]:
    return [f for f in frames if f["type"] == kind]


async def frames_until(
    socket: Any, done: Callable[[list[Frame]], object], wait: float = 20.0
) -> list[Frame]:
    """Frames received until ``done(frames)`` holds (a generous timeout for loaded machines)."""
    frames: list[Frame] = []

    async def collect() -> list[Frame]:
        while not done(frames):
            frames.append(json.loads(await socket.recv()))
        return frames

    return await asyncio.wait_for(collect(), wait)


async def _room(client: httpx.AsyncClient, room_id: str, *channels: str) -> None:
    assert (await client.post("/api/rooms", json={"room_id": room_id})).status_code == 201
    for channel in channels:
        answer = await client.post(f"/api/rooms/{room_id}/bindings", json={"channel_id": channel})
        assert answer.status_code == 201


async def test_two_browser_users_and_an_ai_converse(
    base_url: str, client: httpx.AsyncClient
) -> None:
    await _room(client, "chat", "ws", "assistant")
    async with (
        websockets.connect(
            ws_url(base_url, "ws", "chat", "alice"), additional_headers=AUTH
        ) as alice,
        websockets.connect(ws_url(base_url, "ws", "chat", "bob"), additional_headers=AUTH) as bob,
    ):
        welcome = await next_frame(alice, "welcome")
        assert welcome["participant_id"] == "alice"
        assert welcome["room_id"] == "chat"
        await next_frame(bob, "welcome")
        await alice.send(json.dumps({"type": "message", "text": "hello bob", "client_id": "c1"}))
        frames = await frames_until(
            alice, lambda got: len(of(got, "event")) == 2 and of(got, "ack")
        )
        ack = of(frames, "ack")[0]
        assert ack["client_id"] == "c1"
        assert ack["blocked"] is False
        seen_by_bob = [await next_frame(bob, "event") for _ in range(2)]
        assert [f["event"]["content"]["body"] for f in seen_by_bob] == ["hello bob", "Hi from AI"]
        assert seen_by_bob[0]["event"]["id"] == ack["event_id"]
        assert seen_by_bob[1]["event"]["source"]["channel_id"] == "assistant"
        seen_by_alice = of(frames, "event")
        assert [f["event"]["id"] for f in seen_by_alice] == [f["event"]["id"] for f in seen_by_bob]
    timeline = (await client.get("/api/rooms/chat/events")).json()["events"]
    assert [e["content"]["body"] for e in timeline] == ["hello bob", "Hi from AI"]
    people = (await client.get("/api/rooms/chat/participants")).json()["participants"]
    assert {"alice", "bob"} <= {p["id"] for p in people}


async def test_a_browser_never_receives_another_rooms_events(
    base_url: str, client: httpx.AsyncClient
) -> None:
    await _room(client, "room-a", "ws", "assistant")
    await _room(client, "room-b", "ws", "assistant")
    async with (
        websockets.connect(ws_url(base_url, "ws", "room-a", "ann"), additional_headers=AUTH) as ann,
        websockets.connect(ws_url(base_url, "ws", "room-b", "ben"), additional_headers=AUTH) as ben,
    ):
        await next_frame(ann, "welcome")
        await next_frame(ben, "welcome")
        await ann.send(json.dumps({"type": "typing", "is_typing": True}))
        await ann.send(json.dumps({"type": "message", "text": "only for room a"}))
        await frames_until(ann, lambda got: len(of(got, "event")) == 2 and of(got, "ack"))
        await ben.send(json.dumps({"type": "message", "text": "only for room b"}))
        # ben's own room produces two events; everything he sees belongs to room-b
        frames = await frames_until(ben, lambda got: len(of(got, "event")) == 2 and of(got, "ack"))
        await ben.send(json.dumps({"type": "ping", "client_id": "last"}))
        while True:
            frame = json.loads(await asyncio.wait_for(ben.recv(), 20))
            if frame["type"] == "pong":
                break
            frames.append(frame)
        for frame in frames:
            body = json.dumps(frame)
            assert "room-a" not in body and "only for room a" not in body, frame


async def test_typing_presence_and_read_receipts_are_relayed(
    base_url: str, client: httpx.AsyncClient
) -> None:
    await _room(client, "rt", "ws")
    async with websockets.connect(
        ws_url(base_url, "ws", "rt", "alice"), additional_headers=AUTH
    ) as alice:
        await next_frame(alice, "welcome")
        async with websockets.connect(
            ws_url(base_url, "ws", "rt", "bob"), additional_headers=AUTH
        ) as bob:
            await next_frame(bob, "welcome")
            online = await next_frame(alice, "ephemeral")
            assert online["ephemeral"]["type"] == "presence_online"
            assert online["ephemeral"]["user_id"] == "bob"
            await bob.send(json.dumps({"type": "typing", "is_typing": True}))
            typing = await next_frame(alice, "ephemeral")
            assert (typing["ephemeral"]["type"], typing["ephemeral"]["user_id"]) == (
                "typing_start",
                "bob",
            )
            await alice.send(json.dumps({"type": "message", "text": "read me"}))
            ack = of(await frames_until(alice, lambda got: bool(of(got, "ack"))), "ack")[0]
            await next_frame(bob, "event")
            await bob.send(json.dumps({"type": "read", "event_id": ack["event_id"]}))
            receipt = await next_frame(alice, "ephemeral")
            assert receipt["ephemeral"]["type"] == "read_receipt"
            assert receipt["ephemeral"]["data"] == {"event_id": ack["event_id"]}
            await bob.send(json.dumps({"type": "shout"}))
            problem = await next_frame(bob, "error")
            assert "unknown frame type 'shout'" in problem["message"]
            await bob.send("not json")
            problem = await next_frame(bob, "error")
            assert "invalid frame" in problem["message"]
        offline = await next_frame(alice, "ephemeral")
        assert (offline["ephemeral"]["type"], offline["ephemeral"]["user_id"]) == (
            "presence_offline",
            "bob",
        )


async def test_sockets_need_the_token_a_room_and_a_websocket_channel(
    base_url: str, client: httpx.AsyncClient
) -> None:
    await _room(client, "locked", "ws")
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(ws_url(base_url, "ws", "locked", "eve")):
            pass
    assert refused.value.response.status_code == 403
    # browsers cannot set headers: the token may come as a subprotocol or a query parameter
    async with websockets.connect(
        ws_url(base_url, "ws", "locked", "ann"),
        subprotocols=["roomkit", f"bearer.{TOKEN}"],  # type: ignore[list-item]
    ) as ann:
        assert (await next_frame(ann, "welcome"))["participant_id"] == "ann"
    async with websockets.connect(
        ws_url(base_url, "ws", "locked", "amy") + f"&token={TOKEN}"
    ) as amy:
        assert (await next_frame(amy, "welcome"))["participant_id"] == "amy"
    for url in (
        ws_url(base_url, "ws", "no-such-room", "x"),
        ws_url(base_url, "assistant", "locked", "x"),
    ):
        with pytest.raises((InvalidStatus, ConnectionClosed)):
            async with websockets.connect(url, additional_headers=AUTH) as socket:
                await socket.recv()


async def test_streamed_ai_replies_reach_only_their_room() -> None:
    from roomkit import AIChannel, RoomKit, WebSocketChannel
    from roomkit.providers.ai.mock import MockAIProvider
    from roomkit_server import ServerConfig, create_app, serving

    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(
        AIChannel("assistant", MockAIProvider(["streamed answer"], streaming=True, chunk_size=3))
    )
    async with serving(create_app(kit, ServerConfig(api_key=TOKEN))) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH) as client:
            await _room(client, "sa", "ws", "assistant")
            await _room(client, "sb", "ws", "assistant")
        async with (
            websockets.connect(ws_url(base_url, "ws", "sa", "amy"), additional_headers=AUTH) as amy,
            websockets.connect(ws_url(base_url, "ws", "sb", "bo"), additional_headers=AUTH) as bo,
        ):
            await next_frame(amy, "welcome")
            await next_frame(bo, "welcome")
            await amy.send(json.dumps({"type": "message", "text": "stream please"}))

            def ended(got: list[Frame]) -> bool:
                return any(f["stream"]["type"] == "stream_end" for f in of(got, "stream"))

            frames = await frames_until(amy, ended)
            streams = [f["stream"] for f in of(frames, "stream")]
            assert streams[0]["type"] == "stream_start"
            assert streams[0]["room_id"] == "sa"
            chunks = "".join(s["delta"] for s in streams if s["type"] == "stream_chunk")
            assert chunks == "streamed answer"
            assert streams[-1]["event"]["content"]["body"] == "streamed answer"
            # the final event is not sent a second time as a plain event
            await amy.send(json.dumps({"type": "ping", "client_id": "end"}))
            rest = await frames_until(amy, lambda got: bool(of(got, "pong")))
            replies = [
                f
                for f in of(frames + rest, "event")
                if f["event"]["source"]["channel_id"] == "assistant"
            ]
            assert replies == []
            await bo.send(json.dumps({"type": "ping", "client_id": "end"}))
            seen_by_bo = await frames_until(bo, lambda got: bool(of(got, "pong")))
            assert of(seen_by_bo, "stream") == []
            assert of(seen_by_bo, "event") == []


async def test_a_ticket_pins_an_end_users_socket_to_its_room_and_participant(
    base_url: str, client: httpx.AsyncClient
) -> None:
    await _room(client, "tk", "ws")
    await _room(client, "other", "ws")
    issued = await client.post("/api/rooms/tk/tickets", json={"participant_id": "carol"})
    assert issued.status_code == 201, issued.text
    ticket = issued.json()["ticket"]
    host = base_url.removeprefix("http://")
    async with websockets.connect(f"ws://{host}/ws/ws?ticket={ticket}") as carol:
        welcome = await next_frame(carol, "welcome")
        assert (welcome["room_id"], welcome["participant_id"]) == ("tk", "carol")
    refused_urls = [
        f"ws://{host}/ws/ws?ticket={ticket}&room_id=other",  # another room
        f"ws://{host}/ws/ws?ticket={ticket}&participant_id=mallory",  # someone else
        f"ws://{host}/ws/ws?ticket={ticket[:-2]}xx",  # tampered
    ]
    short = await client.post(
        "/api/rooms/tk/tickets", json={"participant_id": "carol", "ttl_seconds": 0.001}
    )
    await asyncio.sleep(0.1)
    refused_urls.append(f"ws://{host}/ws/ws?ticket={short.json()['ticket']}")  # expired
    for url in refused_urls:
        with pytest.raises(InvalidStatus):
            async with websockets.connect(url):
                pass
    # a ticket opens sockets only: the API still wants the key
    answer = await httpx.AsyncClient().get(f"{base_url}/api/rooms?ticket={ticket}")
    assert answer.status_code == 401
    unknown_room = await client.post("/api/rooms/nope/tickets", json={"participant_id": "x"})
    assert unknown_room.status_code == 404


async def test_an_oversized_frame_closes_the_socket(kit: Any) -> None:
    from roomkit_server import ServerConfig, create_app, serving

    app = create_app(kit, ServerConfig(api_key=TOKEN, max_body_bytes=2000))
    async with serving(app) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH) as client:
            await _room(client, "big", "ws")
        async with websockets.connect(
            ws_url(base_url, "ws", "big", "al"), additional_headers=AUTH
        ) as al:
            await next_frame(al, "welcome")
            await al.send(json.dumps({"type": "message", "text": "x" * 5000}))
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(al.recv(), 20)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1009  # message too big
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH) as client:
            assert (await client.get("/api/rooms/big/events")).json()["total"] == 0


async def test_two_instances_sharing_store_and_realtime_reach_each_others_sockets() -> None:
    from roomkit import AIChannel, RoomKit, WebSocketChannel
    from roomkit.providers.ai.mock import MockAIProvider
    from roomkit.realtime.memory import InMemoryRealtime
    from roomkit.store.memory import InMemoryStore
    from roomkit_server import ServerConfig, create_app, serving

    store, realtime = InMemoryStore(), InMemoryRealtime()  # what PostgreSQL gives processes

    def instance() -> RoomKit:
        kit = RoomKit(store=store, realtime=realtime)
        kit.register_channel(WebSocketChannel("ws"))
        kit.register_channel(AIChannel("assistant", MockAIProvider(["answered on A"])))
        return kit

    config = ServerConfig(api_key=TOKEN, relay_events=True)
    a, b = instance(), instance()
    async with serving(create_app(a, config)) as url_a, serving(create_app(b, config)) as url_b:
        async with httpx.AsyncClient(base_url=url_a, headers=AUTH) as api_a:
            await _room(api_a, "shared", "ws", "assistant")
            async with websockets.connect(
                ws_url(url_b, "ws", "shared", "bea"), additional_headers=AUTH
            ) as bea:
                await next_frame(bea, "welcome")
                sent = await api_a.post(
                    "/api/rooms/shared/events", json={"channel_id": "ws", "text": "via A"}
                )
                assert sent.status_code == 201
                got = await frames_until(bea, lambda f: len(of(f, "event")) == 2)
                bodies = [f["event"]["content"]["body"] for f in of(got, "event")]
                assert bodies == ["via A", "answered on A"]
                await bea.send(json.dumps({"type": "ping", "client_id": "end"}))
                rest = await frames_until(bea, lambda f: bool(of(f, "pong")))
                assert of(rest, "event") == []  # each event once
                assert [
                    f
                    for f in got + rest
                    if f["type"] == "ephemeral" and f["ephemeral"]["user_id"] == "roomkit-server"
                ] == []
