"""Run the app on uvicorn: in the foreground (``roomkit serve``) or inside a test or script."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn
from starlette.applications import Starlette


def uvicorn_config(app: Starlette, host: str, port: int, grace: float = 10.0) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        log_level="warning",
        ws="websockets-sansio",
        proxy_headers=True,
        timeout_graceful_shutdown=int(grace) or None,
    )


def run(app: Starlette, host: str, port: int, grace: float = 10.0) -> None:
    """Serve until SIGINT/SIGTERM; in-flight requests finish, then the kit closes."""
    uvicorn.Server(uvicorn_config(app, host, port, grace)).run()


@contextlib.asynccontextmanager
async def serving(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve ``app`` in this event loop; yields the base URL (``port=0`` picks a free port)."""
    server = uvicorn.Server(uvicorn_config(app, host, port))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        bound = server.servers[0].sockets[0].getsockname()
        yield f"http://{bound[0]}:{bound[1]}"
    finally:
        server.should_exit = True
        await task
