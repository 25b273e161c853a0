"""Graceful shutdown: a request in flight finishes, sockets are told the server is going."""

from __future__ import annotations

import asyncio

import httpx
import websockets
from websockets.exceptions import ConnectionClosed

from roomkit import HookExecution, HookResult, HookTrigger
from roomkit_server import ServerConfig, create_app, serving

from .conftest import TOKEN, build_kit, next_frame, ws_url


async def test_in_flight_messages_finish_and_sockets_close_cleanly() -> None:
    kit = build_kit()
    entered = asyncio.Event()
    release = asyncio.Event()

    @kit.hook(HookTrigger.BEFORE_BROADCAST, HookExecution.SYNC, timeout=60)
    async def slow(event: object, context: object) -> HookResult:
        entered.set()
        await release.wait()
        return HookResult()

    auth = {"Authorization": f"Bearer {TOKEN}"}
    app = create_app(kit, ServerConfig(api_key=TOKEN))
    client = httpx.AsyncClient(headers=auth, timeout=60)
    async with serving(app) as base_url:
        client.base_url = httpx.URL(base_url)
        await client.post("/api/rooms", json={"room_id": "r"})
        await client.post("/api/rooms/r/bindings", json={"channel_id": "ws"})
        socket = await websockets.connect(
            ws_url(base_url, "ws", "r", "watcher"), additional_headers=auth
        )
        await next_frame(socket, "welcome")
        in_flight = asyncio.create_task(
            client.post("/api/rooms/r/events", json={"channel_id": "ws", "text": "last words"})
        )
        await asyncio.wait_for(entered.wait(), 30)
        store = kit.store
        # leave the serving block while the request is still inside the pipeline
        asyncio.get_running_loop().call_later(0.2, release.set)
    answer = await asyncio.wait_for(in_flight, 60)
    await client.aclose()
    assert answer.status_code == 201
    events = await store.list_events("r")
    assert [e.content.body for e in events] == ["last words"]  # type: ignore[union-attr]
    try:
        while True:
            await asyncio.wait_for(socket.recv(), 30)
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        assert closed.rcvd.code in (1001, 1012)
