"""Loopback feeds on 127.0.0.1 as fixtures: a WebSocket server and a Server-Sent Events
server, each sending what the test queues."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
import websockets


class WebSocketFeed:
    """``await feed.send(sender_id, text)``; every connected client receives it."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.connections = 0
        self._server: Any = None
        self._handlers: set[asyncio.Task[Any]] = set()

    async def start(self) -> str:
        self._server = await websockets.serve(self._handle, "127.0.0.1", 0)
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/feed"

    async def _handle(self, socket: Any) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        while True:
            frame = await self.queue.get()
            if frame is None:  # drop this connection abruptly
                socket.transport.abort()
                return
            await socket.send(frame)

    async def send(self, sender_id: str, text: str, **extra: Any) -> None:
        await self.queue.put(json.dumps({"sender_id": sender_id, "text": text, **extra}))

    async def send_raw(self, frame: str) -> None:
        await self.queue.put(frame)

    async def drop(self) -> None:
        await self.queue.put(None)

    async def stop(self) -> None:
        for task in self._handlers:
            task.cancel()
        self._server.close()
        await asyncio.wait_for(self._server.wait_closed(), 10)


class SSEFeed:
    """A text/event-stream endpoint; remembers the Last-Event-ID each client sent."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.last_event_ids: list[str | None] = []
        self._server: asyncio.Server | None = None
        self._next_id = 0
        self._handlers: set[asyncio.Task[Any]] = set()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/events"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        last_id = None
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "last-event-id":
                last_id = value.strip()
        self.last_event_ids.append(last_id)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Cache-Control: no-cache\r\nConnection: close\r\n\r\n: hello\n\n"
        )
        await writer.drain()
        while True:
            chunk = await self.queue.get()
            if chunk is None:
                writer.transport.abort()
                return
            writer.write(chunk.encode())
            await writer.drain()

    async def send(self, sender_id: str, text: str, *, event: str | None = None) -> None:
        self._next_id += 1
        data = json.dumps({"sender_id": sender_id, "text": text})
        lines = [f"id: e{self._next_id}"] + ([f"event: {event}"] if event else [])
        await self.queue.put("\n".join([*lines, f"data: {data}", "", ""]))

    async def drop(self) -> None:
        await self.queue.put(None)

    async def stop(self) -> None:
        assert self._server is not None
        for task in self._handlers:
            task.cancel()
        self._server.close()


@pytest_asyncio.fixture
async def ws_feed() -> AsyncIterator[tuple[WebSocketFeed, str]]:
    feed = WebSocketFeed()
    url = await feed.start()
    yield feed, url
    await feed.stop()


@pytest_asyncio.fixture
async def sse_feed() -> AsyncIterator[tuple[SSEFeed, str]]:
    feed = SSEFeed()
    url = await feed.start()
    yield feed, url
    await feed.stop()
