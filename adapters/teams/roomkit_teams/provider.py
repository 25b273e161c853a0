"""BotFrameworkTeamsProvider: sends activities through the Bot Framework Connector API
(httpx) and receives the activities Teams posts to the bot, authenticated by their JWT.

Where a message goes: ``send_to`` gets the conversation reference RoomKit kept for the
recipient (on the participant, or the binding); plain ``send`` uses the references this
process has seen, or treats ``to`` as a conversation id on ``default_service_url``. Several
recipients in one conversation (a group chat), sent to at once, get the event once.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from roomkit.domain.delivery import ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http import VendorHTTP, guarded, refusal
from roomkit_teams.activities import activity_for
from roomkit_teams.config import TeamsConfig
from roomkit_teams.inbound_auth import ConnectorAuth, SigningKeys, key_id_of
from roomkit_teams.reference import Account, ConversationReference
from roomkit_teams.token import AccessTokens, TokenError
from roomkit_teams.webhook import load_activity, read_activity

#: References remembered in process (by user and by conversation id), most recent kept.
MAX_REMEMBERED = 10_000


class BotFrameworkTeamsProvider(MessageProvider, WebhookParser):
    name = "teams"

    def __init__(self, config: TeamsConfig, *, now: Callable[[], float] = time.time) -> None:
        self.config = config
        self._http = VendorHTTP("", timeout=config.timeout, retry=config.retry)
        self.tokens = AccessTokens(config, self._http, now)
        self.signing_keys = SigningKeys(config, self._http, now)
        self._auth = ConnectorAuth(config, self.signing_keys)
        self._references: OrderedDict[str, ConversationReference] = OrderedDict()
        self._in_flight: dict[tuple[str, str, str], asyncio.Future[ProviderResult]] = {}

    # references ------------------------------------------------------------------------------
    def remember(self, reference: ConversationReference) -> None:
        """Keep ``reference`` in this process, under its conversation id and its user's id."""
        keys = [reference.conversation_id]
        if reference.user is not None:
            keys.append(reference.user.id)
        for key in keys:
            self._references[key] = reference
            self._references.move_to_end(key)
        while len(self._references) > MAX_REMEMBERED:
            self._references.popitem(last=False)

    def reference_for(self, to: str) -> ConversationReference | None:
        known = self._references.get(to)
        if known is not None:
            return known
        service_url = self.config.default_service_url or self.config.base_url
        if service_url and not to.startswith(("29:", "28:")):
            return ConversationReference(service_url=service_url, conversation_id=to)
        return None

    # sending ---------------------------------------------------------------------------------
    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        reference = self.reference_for(to)
        if reference is None:
            return ProviderResult(
                success=False,
                error=f"teams: no conversation reference for {to!r}: it has not written to the "
                "bot, and no reference was stored for it",
            )
        return await self.send_reference(event, reference)

    async def send_to(
        self, event: RoomEvent, to: str, details: Mapping[str, Any]
    ) -> ProviderResult:
        reference = ConversationReference.from_details(dict(details))
        if reference is None:
            return await self.send(event, to)
        self.remember(reference)
        return await self.send_reference(event, reference)

    async def send_reference(
        self, event: RoomEvent, reference: ConversationReference
    ) -> ProviderResult:
        """Post ``event`` into the reference's conversation (once per event and conversation,
        however many of its members are recipients; never back into the conversation it came
        from, where its members saw it already)."""
        came_from = event.metadata.get("teams")
        if (
            isinstance(came_from, dict)
            and came_from.get("conversation_id") == reference.conversation_id
        ):
            return ProviderResult(
                success=True,
                provider_message_id=event.provider_message_id,
                metadata={"skipped": "the event came from this conversation"},
            )
        key = (event.id, reference.service_url, reference.conversation_id)
        in_flight = self._in_flight.get(key)
        if in_flight is not None:
            try:
                return await asyncio.shield(in_flight)
            except asyncio.CancelledError:
                if not in_flight.cancelled():
                    raise  # this caller was cancelled
                return ProviderResult(
                    success=False, error="teams: the send to this conversation was cancelled"
                )
        future: asyncio.Future[ProviderResult] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await guarded(self.name, self._post(event, reference))
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # marked retrieved: no one else may be waiting
            raise
        else:
            future.set_result(result)
        finally:
            self._in_flight.pop(key, None)
        return result

    async def _post(self, event: RoomEvent, reference: ConversationReference) -> ProviderResult:
        activity = activity_for(event)
        if not activity["text"] and not activity.get("attachments"):
            return ProviderResult(success=False, error="teams: the event has nothing to show")
        bot = reference.bot or Account(id=f"28:{self.config.app_id}")
        activity["from"] = {"id": bot.id, **({"name": bot.name} if bot.name else {})}
        activity["conversation"] = {"id": reference.conversation_id}
        if reference.user is not None and reference.conversation_type == "personal":
            activity["recipient"] = {"id": reference.user.id}
        base = (self.config.base_url or reference.service_url).rstrip("/")
        url = f"{base}/v3/conversations/{quote(reference.conversation_id, safe='')}/activities"
        response: httpx.Response | None = None
        for _ in range(2):  # a refused token is renewed once
            try:
                token = await self.tokens.get()
            except TokenError as exc:
                return ProviderResult(success=False, error=f"teams: no access token: {exc}")
            response = await self._http.request(
                "POST", url, json=activity, headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code != 401:
                break
            self.tokens.invalidate(token)
        assert response is not None
        if response.status_code >= 300:
            return refusal(self.name, response, _error_of(response))
        try:
            activity_id = response.json().get("id")
        except (ValueError, AttributeError):
            activity_id = None
        return ProviderResult(
            success=True,
            provider_message_id=str(activity_id or f"{reference.conversation_id}:{event.id}"),
            metadata={"conversation_id": reference.conversation_id},
        )

    # receiving -------------------------------------------------------------------------------
    async def prepare(self, request: WebhookRequest) -> None:
        await self.signing_keys.ensure(key_id_of(request))

    def authenticate(self, request: WebhookRequest) -> None:
        self._auth.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        read = read_activity(load_activity(request.body), channel_id)
        if read.reference is not None and read.message is not None:
            self.remember(read.reference)
        return WebhookBatch(messages=[read.message] if read.message is not None else [])

    async def close(self) -> None:
        await self._http.close()


def _error_of(response: httpx.Response) -> str | None:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    if isinstance(error, dict):
        return f"{error.get('code')}: {error.get('message')}"
    return None
