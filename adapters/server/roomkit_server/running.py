"""Run the app on uvicorn: in the foreground (``roomkit serve``) or inside a test or script."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.applications import Starlette


class _Server(uvicorn.Server):
    """uvicorn's server, stopping gracefully on SIGINT/SIGTERM and then exiting with status 0
    (uvicorn re-raises the signal after its shutdown, which reads as a crash to supervisors).
    With ``signals=False`` it leaves the host program's signal handling alone."""

    def __init__(self, config: uvicorn.Config, *, signals: bool = True) -> None:
        super().__init__(config)
        self.signals = signals

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if not self.signals or threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {
            sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def uvicorn_config(app: Starlette, host: str, port: int, grace: float = 10.0) -> uvicorn.Config:
    config = getattr(app.state, "config", None)
    max_frame = int(getattr(config, "max_body_bytes", 1_000_000))
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        log_level="warning",
        ws="websockets-sansio",
        ws_per_message_deflate=False,  # small JSON frames: compressing costs more than it saves
        ws_max_size=max_frame,  # a browser frame is bounded like a request body
        proxy_headers=True,
        timeout_graceful_shutdown=int(grace) or None,
    )


def run(app: Starlette, host: str, port: int, grace: float = 10.0) -> None:
    """Serve until SIGINT/SIGTERM: in-flight requests finish (up to ``grace`` seconds), sockets
    close with 1001/1012, then the kit closes its channels and store."""
    _Server(uvicorn_config(app, host, port, grace)).run()
    print("roomkit serve: stopped", file=sys.stderr)


@contextlib.asynccontextmanager
async def serving(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve ``app`` in this event loop; yields the base URL (``port=0`` picks a free port)."""
    server = _Server(uvicorn_config(app, host, port), signals=False)
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
