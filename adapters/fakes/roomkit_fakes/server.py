"""A loopback HTTP server that records what it receives and answers from a script."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    """A scripted answer: text, tool calls, an HTTP error, or a stream cut short."""

    text: str = ""
    tool_calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    thinking: str = ""
    status: int = 200
    error_type: str = ""
    error_message: str = ""
    truncate: bool = False
    input_tokens: int = 11
    output_tokens: int = 7
    delay: float = 0.0


class ProtocolError(Exception):
    """The client sent something the real API would refuse (answered with HTTP 400)."""


Handler = Callable[[web.Request, dict[str, Any], Reply], Awaitable[web.StreamResponse]]


class FakeServer:
    """Base class: subclasses add routes; ``requests`` holds everything received."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: list[Reply] = []
        self.default = Reply(text="Hello from the fake server.")
        self._runner: web.AppRunner | None = None
        self.port = 0

    # scripting -----------------------------------------------------------------------------
    def reply_text(self, text: str, *, thinking: str = "") -> FakeServer:
        self.script.append(Reply(text=text, thinking=thinking))
        return self

    def reply_tool_call(
        self, name: str, arguments: dict[str, Any], call_id: str = "call_1", text: str = ""
    ) -> FakeServer:
        self.script.append(Reply(text=text, tool_calls=[(call_id, name, arguments)]))
        return self

    def reply_tool_calls(self, *calls: tuple[str, str, dict[str, Any]]) -> FakeServer:
        self.script.append(Reply(tool_calls=list(calls)))
        return self

    def reply_error(self, status: int, error_type: str = "", message: str = "") -> FakeServer:
        self.script.append(
            Reply(
                status=status,
                error_type=error_type,
                error_message=message or f"scripted HTTP {status}",
            )
        )
        return self

    def reply_slowly(self, seconds: float, text: str = "too late") -> FakeServer:
        """Answer only after ``seconds`` (to test client timeouts)."""
        self.script.append(Reply(text=text, delay=seconds))
        return self

    def reply_truncated(self, text: str) -> FakeServer:
        """An answer whose connection drops before it is complete: a stream loses its last
        event, a plain JSON response is cut in the middle of its body."""
        self.script.append(Reply(text=text, truncate=True))
        return self

    def next_reply(self) -> Reply:
        return self.script.pop(0) if self.script else self.default

    async def pause(self, reply: Reply) -> None:
        if reply.delay:
            await asyncio.sleep(reply.delay)

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    # lifecycle -----------------------------------------------------------------------------
    def routes(self) -> list[web.RouteDef]:
        return []

    #: the path the vendor's SDK expects in its base URL (OpenAI's ends in ``/v1``)
    sdk_path = ""

    @property
    def root_url(self) -> str:
        """The server's root, for raw HTTP requests to full API paths."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass as the SDK's (or the adapter config's) ``base_url``, as is."""
        return self.root_url + self.sdk_path

    async def start(self) -> FakeServer:
        app = web.Application()
        app.add_routes(self.routes())
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # helpers for subclasses ----------------------------------------------------------------
    async def record(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except json.JSONDecodeError as exc:
            raise ProtocolError(f"body is not JSON: {exc}") from exc
        self.requests.append(
            Recorded(
                request.method,
                request.path,
                {k.lower(): v for k, v in request.headers.items()},
                body,
                dict(request.query),
            )
        )
        return body if isinstance(body, dict) else {}

    @staticmethod
    def require(condition: bool, message: str) -> None:
        if not condition:
            raise ProtocolError(message)

    @staticmethod
    def api_key(request: web.Request, header: str) -> str | None:
        """The key from ``header`` or from ``Authorization: Bearer ...`` (SDKs send either)."""
        value = request.headers.get(header)
        if value:
            return value
        bearer = request.headers.get("Authorization", "")
        return bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else None


async def json_reply(
    request: web.Request, payload: dict[str, Any], truncate: bool = False
) -> web.StreamResponse:
    """A JSON response; with ``truncate`` the connection drops halfway through the body (the
    ``Content-Length`` promises all of it), as when a proxy or the server dies mid-answer."""
    if not truncate:
        return web.json_response(payload)
    body = json.dumps(payload).encode()
    response = web.StreamResponse(
        headers={"Content-Type": "application/json", "Content-Length": str(len(body))}
    )
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.close()
    return response


async def sse(request: web.Request, frames: list[str], truncate: bool) -> web.StreamResponse:
    """Send server-sent events; with ``truncate`` the connection drops before the last one."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for frame in frames[:-1] if truncate else frames:
        await response.write(frame.encode())
    if truncate:
        if request.transport is not None:
            request.transport.close()
        return response
    await response.write_eof()
    return response
