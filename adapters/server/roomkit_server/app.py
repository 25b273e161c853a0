"""The ASGI application: routes, access control, CORS, start-up and graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from roomkit import RoomKit

from .api import (
    AddParticipant,
    AttachChannel,
    CreateRoom,
    IssueTicket,
    Redeliver,
    RestApi,
    SendEvent,
)
from .auth import BearerAuth, TicketSigner
from .config import ServerConfig, require_key
from .openapi import Operation, describe
from .recording import record_ai_responses
from .sockets import SocketHub, relay_stored_events
from .webhooks import Webhooks
from .wire import EXCEPTION_HANDLERS

log = logging.getLogger("roomkit.server")

try:
    VERSION = version("roomkit-server")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    VERSION = "0.0.0"


class ServerState:
    """What the health checks report and shutdown flips."""

    def __init__(self) -> None:
        self.started = False
        self.draining = False


def _page(name: str) -> HTMLResponse:
    text = resources.files("roomkit_server").joinpath("pages", name).read_text("utf-8")
    return HTMLResponse(text)


def operations(api: RestApi, hooks: Webhooks) -> list[Operation]:
    from roomkit import ChannelBinding, DeliveryStatus
    from roomkit.domain.event import RoomEvent
    from roomkit.domain.participant import Participant
    from roomkit.domain.room import Room

    rooms = ("rooms",)
    return [
        Operation(
            "GET",
            "/api/rooms",
            api.list_rooms,
            "List rooms",
            query=("status", "offset", "limit"),
            tags=rooms,
        ),
        Operation(
            "POST", "/api/rooms", api.create_room, "Create a room", CreateRoom, Room, tags=rooms
        ),
        Operation(
            "GET", "/api/rooms/{room_id}", api.get_room, "Get a room", returns=Room, tags=rooms
        ),
        Operation("POST", "/api/rooms/{room_id}/close", api.close_room, "Close a room", tags=rooms),
        Operation(
            "GET",
            "/api/rooms/{room_id}/bindings",
            api.list_bindings,
            "List a room's channel bindings",
            tags=rooms,
        ),
        Operation(
            "POST",
            "/api/rooms/{room_id}/bindings",
            api.attach,
            "Attach a channel",
            AttachChannel,
            ChannelBinding,
            tags=rooms,
        ),
        Operation(
            "DELETE",
            "/api/rooms/{room_id}/bindings/{channel_id}",
            api.detach,
            "Detach a channel",
            tags=rooms,
        ),
        Operation(
            "GET",
            "/api/rooms/{room_id}/participants",
            api.list_participants,
            "List participants",
            tags=rooms,
        ),
        Operation(
            "POST",
            "/api/rooms/{room_id}/participants",
            api.add_participant,
            "Add a participant",
            AddParticipant,
            Participant,
            tags=rooms,
        ),
        Operation(
            "GET",
            "/api/rooms/{room_id}/events",
            api.timeline,
            "A page of the timeline",
            query=("offset", "limit"),
            tags=rooms,
        ),
        Operation(
            "POST",
            "/api/rooms/{room_id}/events",
            api.send_event,
            "Send an event into the room as a channel",
            SendEvent,
            RoomEvent,
            tags=rooms,
        ),
        Operation(
            "GET",
            "/api/rooms/{room_id}/deliveries",
            api.deliveries,
            "Delivery results",
            query=("event_id",),
            tags=("deliveries",),
        ),
        Operation(
            "GET",
            "/api/rooms/{room_id}/inspect",
            api.inspect,
            "Everything the inspector shows for a room",
            query=("offset", "limit"),
            tags=("inspector",),
        ),
        Operation(
            "GET",
            "/api/outbox",
            api.outbox,
            "Outbox entries by state",
            query=("state", "room_id", "limit"),
            tags=("deliveries",),
        ),
        Operation(
            "GET",
            "/api/dead-letters",
            api.dead_letters,
            "Dead letters",
            query=("room_id",),
            tags=("deliveries",),
        ),
        Operation(
            "POST",
            "/api/dead-letters/redeliver",
            api.redeliver,
            "Deliver a dead letter again",
            Redeliver,
            tags=("deliveries",),
        ),
        Operation(
            "POST",
            "/api/delivery-status",
            api.delivery_status,
            "Record a delivery report",
            DeliveryStatus,
            tags=("deliveries",),
        ),
        Operation(
            "POST",
            "/api/rooms/{room_id}/tickets",
            api.issue_ticket,
            "A short-lived WebSocket ticket for one participant of the room",
            IssueTicket,
            tags=rooms,
        ),
        Operation(
            "GET",
            "/api/rooms/{room_id}/export",
            api.export,
            "The room as versioned JSONL (for roomkit replay)",
            tags=rooms,
        ),
        Operation("GET", "/api/channels", api.channels, "Registered channels", tags=("channels",)),
        Operation(
            "POST",
            "/webhooks/{channel_id}",
            hooks.receive,
            "A vendor webhook (authenticated by its signature)",
            public=True,
            tags=("webhooks",),
        ),
        Operation(
            "POST",
            "/webhooks/{channel_id}/status",
            hooks.receive,
            "A vendor delivery-status webhook",
            public=True,
            tags=("webhooks",),
        ),
        Operation(
            "GET",
            "/webhooks/{channel_id}",
            hooks.handshake,
            "Vendor verification handshake (hub.challenge)",
            query=("hub.mode", "hub.verify_token", "hub.challenge"),
            public=True,
            tags=("webhooks",),
        ),
    ]


def create_app(kit: RoomKit, config: ServerConfig | None = None) -> Starlette:
    """The HTTP service over ``kit``. Refuses to build without an API key unless
    ``config.insecure_dev`` (see :func:`roomkit_server.config.require_key`)."""
    config = config or ServerConfig()
    token = require_key(config)
    if config.record_ai_responses:
        record_ai_responses(kit)
    if config.relay_events:
        relay_stored_events(kit)
    state = ServerState()
    tickets = TicketSigner(token)
    api = RestApi(kit, config, tickets)
    hooks = Webhooks(kit, config)
    hub = SocketHub(kit, auto_attach=config.auto_attach_websocket)
    ops = operations(api, hooks)
    document = describe(ops, VERSION)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        if state.draining or not state.started:
            return JSONResponse(
                {"ready": False, "reason": "draining" if state.draining else "starting"}, 503
            )
        try:
            await asyncio.wait_for(kit.store.list_rooms(limit=1), 5.0)
        except Exception as exc:
            return JSONResponse({"ready": False, "reason": f"store unreachable: {exc}"}, 503)
        return JSONResponse({"ready": True})

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(document)

    async def socket(websocket: WebSocket) -> None:
        if state.draining:
            await websocket.close(1001, "server shutting down")
            return
        await hub.serve(websocket, websocket.path_params["channel_id"])

    async def inspector(request: Request) -> Response:
        return _page("inspector.html")

    async def chat(request: Request) -> Response:
        return _page("chat.html")

    async def index(request: Request) -> Response:
        return RedirectResponse("/inspector")

    routes: list[BaseRoute] = [Route(op.path, op.handler, methods=[op.method]) for op in ops]
    routes += [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/api/openapi.json", openapi),
        Route("/inspector", inspector),
        Route("/chat", chat),
        WebSocketRoute("/ws/{channel_id}", socket),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with contextlib.suppress(Exception):
            recovered = await kit.recover_deliveries()
            if recovered:
                log.info("recovered %d pending deliveries", recovered)
        state.started = True
        try:
            yield
        finally:
            state.draining = True
            await hub.close_all()
            await kit.close()

    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=config.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["authorization", "content-type"],
        ),
        Middleware(BearerAuth, token=token, tickets=tickets),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.kit = kit
    app.state.hub = hub
    app.state.server = state
    app.state.config = config
    return app


def app_from_config(source: Any, **overrides: Any) -> Starlette:
    """Compose the kit and the app from one roomkit.toml (or mapping)."""
    from .config import read_config, run_setup

    kit_config, server = read_config(source)
    if overrides:
        server = server.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    require_key(server)
    kit = RoomKit.from_config(kit_config)
    run_setup(kit, server.setup)
    return create_app(kit, server)
