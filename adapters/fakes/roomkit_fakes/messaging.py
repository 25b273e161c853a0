"""Base of the messaging vendor fakes: records raw requests, answers from a script.

Scripting: ``fail_next(status, body)`` answers the next send with an error,
``throttle_next(retry_after)`` with 429 and a Retry-After header, ``slow_next(seconds)`` after a
delay, ``hold_next()`` only once the event it returns is set, ``refuse_all(status)`` every send
until ``refuse_all(None)``. Subclasses add the vendor's
routes and build its success answers; ``messages`` is what reached the "handsets"
(``Delivered(to, text, media)``), one per accepted send.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from roomkit_fakes.server import FakeServer


@dataclass
class RawRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    query: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def form_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode(), keep_blank_values=True)


@dataclass(frozen=True)
class Delivered:
    """One message the fake accepted, as the recipient would see it."""

    to: str
    text: str
    media: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()


@dataclass
class Scripted:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    release: asyncio.Event | None = None


class VendorFake(FakeServer):
    vendor = "vendor"

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[RawRequest] = []
        self.messages: list[Delivered] = []
        self.queue: list[Scripted] = []
        self.refusing: int | None = None
        self._ids = itertools.count(1)

    # scripting ---------------------------------------------------------------------------------
    def fail_next(self, status: int, body: Any = None) -> VendorFake:
        self.queue.append(Scripted(status=status, body=body))
        return self

    def throttle_next(self, retry_after: str = "0") -> VendorFake:
        self.queue.append(Scripted(status=429, headers={"Retry-After": retry_after}))
        return self

    def slow_next(self, seconds: float) -> VendorFake:
        self.queue.append(Scripted(status=0, delay=seconds))
        return self

    def hold_next(self) -> asyncio.Event:
        """Keep the next send waiting until the returned event is set (then answer normally)."""
        release = asyncio.Event()
        self.queue.append(Scripted(status=0, release=release))
        return release

    def refuse_all(self, status: int | None = 400) -> VendorFake:
        self.refusing = status
        return self

    def next_id(self) -> int:
        return next(self._ids)

    # handling ----------------------------------------------------------------------------------
    async def capture(self, request: web.Request) -> RawRequest:
        raw = RawRequest(
            request.method,
            request.path,
            {k.lower(): v for k, v in request.headers.items()},
            await request.read(),
            dict(request.query),
        )
        self.raw.append(raw)
        return raw

    async def scripted(self) -> web.Response | None:
        """The scripted answer for this request, or None to answer normally."""
        if self.queue:
            step = self.queue.pop(0)
            if step.delay:
                await asyncio.sleep(step.delay)
            if step.release is not None:
                await step.release.wait()
            if step.status:
                return self.error_response(step.status, step.body, step.headers)
        if self.refusing is not None:
            return self.error_response(self.refusing, None, {})
        return None

    def error_response(self, status: int, body: Any, headers: dict[str, str]) -> web.Response:
        payload = body if body is not None else self.error_body(status)
        return web.json_response(payload, status=status, headers=headers)

    def error_body(self, status: int) -> Any:
        return {"error": f"scripted HTTP {status}"}

    @staticmethod
    def problem(status: int, payload: Any) -> web.Response:
        return web.json_response(payload, status=status)
