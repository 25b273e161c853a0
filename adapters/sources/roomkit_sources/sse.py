"""SSESource: a Server-Sent Events feed over HTTP, resumed with Last-Event-ID after a drop."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from roomkit.ports.sources import Emit, SourceProvider
from roomkit_sources.frames import Parse, json_message


class SSESource(SourceProvider):
    """Reads ``message`` events (others by ``events=``); a stream that ends or drops raises, so
    the supervisor reconnects with backoff and Last-Event-ID; HTTP 204 ends the feed."""

    name = "sse"

    def __init__(
        self,
        url: str,
        *,
        parse: Parse = json_message,
        headers: Mapping[str, str] | None = None,
        events: frozenset[str] = frozenset({"message"}),
        connect_timeout: float = 10.0,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"SSESource needs an http:// or https:// URL, got {url!r}")
        self.url = url
        self.parse = parse
        self.headers = dict(headers or {})
        self.events = events
        self.connect_timeout = connect_timeout
        #: the id of the last event received; sent back as Last-Event-ID when reconnecting
        self.last_event_id: str | None = None
        self._client: httpx.AsyncClient | None = None

    async def run(self, emit: Emit) -> None:
        headers = {"Accept": "text/event-stream", **self.headers}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        timeout = httpx.Timeout(self.connect_timeout, read=None)
        self._client = client = httpx.AsyncClient(timeout=timeout)
        async with client.stream("GET", self.url, headers=headers) as response:
            if response.status_code == 204:
                return  # the server asks clients to stop reconnecting: the feed is over
            response.raise_for_status()
            event, event_id = "message", None
            data: list[str] = []
            async for line in response.aiter_lines():
                if line == "":  # a blank line dispatches the event
                    if data and event in self.events:
                        message = self.parse("\n".join(data))
                        if message is not None:
                            if event_id is not None and message.provider_message_id is None:
                                message = message.model_copy(
                                    update={"provider_message_id": event_id}
                                )
                            await emit(message)
                    if event_id is not None:
                        self.last_event_id = event_id
                    event, event_id = "message", None
                    data = []
                    continue
                if line.startswith(":"):
                    continue  # a comment (keep-alive)
                field, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if field == "data":
                    data.append(value)
                elif field == "event":
                    event = value or "message"
                elif field == "id":
                    event_id = value
        # a stream that ends is resumed, as EventSource clients do (the supervisor restarts it)
        raise ConnectionError(f"the event stream at {self.url} ended; reconnecting")

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
