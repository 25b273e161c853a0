"""Address details: what a provider needs to write back to a sender (ADDRESS_DETAILS in an
inbound message's metadata) is kept on the participant through the store and handed back to
``MessageProvider.send_to``; ``WebhookParser.prepare`` runs before ``authenticate``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from roomkit import (
    InboundMessage,
    RoomKit,
    SMSChannel,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.content import SystemContent
from roomkit.domain.delivery import ProviderResult
from roomkit.domain.enums import EventType
from roomkit.domain.event import RoomEvent
from roomkit.domain.inbound import ADDRESS_DETAILS
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser


class Recorder(MessageProvider, WebhookParser):
    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any] | None]] = []
        self.calls: list[str] = []

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        self.sent.append((to, None))
        return ProviderResult(success=True, provider_message_id=f"p-{len(self.sent)}")

    async def send_to(
        self, event: RoomEvent, to: str, details: Mapping[str, Any]
    ) -> ProviderResult:
        self.sent.append((to, dict(details)))
        return ProviderResult(success=True, provider_message_id=f"p-{len(self.sent)}")

    async def prepare(self, request: WebhookRequest) -> None:
        self.calls.append("prepare")

    def authenticate(self, request: WebhookRequest) -> None:
        self.calls.append("authenticate")
        if request.header("x-key") != "ok":
            raise WebhookSignatureError(self.name, "x-key is wrong")

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        self.calls.append("parse")
        return WebhookBatch()


def from_customer(text: str, details: dict[str, Any] | None) -> InboundMessage:
    metadata = {ADDRESS_DETAILS: details} if details is not None else {}
    return InboundMessage(
        channel_id="vendor",
        sender_id="cust-1",
        content=TextContent(body=text),
        metadata=metadata,
    )


async def start(store: Any = None) -> tuple[RoomKit, Recorder]:
    kit = RoomKit(store=store) if store is not None else RoomKit()
    provider = Recorder()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(SMSChannel("vendor", provider=provider))
    return kit, provider


async def agent_says(kit: RoomKit, text: str) -> None:
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body=text)),
        room_id="r",
    )


async def test_details_are_kept_on_the_participant_and_handed_back() -> None:
    kit, provider = await start()
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "vendor")
    await kit.process_inbound(from_customer("hi", {"where": "east"}), room_id="r")
    [participant] = [p for p in await kit.store.list_participants("r") if p.external_id]
    assert participant.metadata[ADDRESS_DETAILS] == {"vendor": {"where": "east"}}
    await agent_says(kit, "hello")
    assert provider.sent == [("cust-1", {"where": "east"})]

    await kit.process_inbound(from_customer("moved", {"where": "west"}), room_id="r")
    await kit.process_inbound(from_customer("no details", None), room_id="r")
    await agent_says(kit, "noted")
    assert provider.sent[-1] == ("cust-1", {"where": "west"})  # the latest kept, not erased
    await kit.close()


async def test_details_survive_a_new_kit_on_the_same_store() -> None:
    kit, _ = await start()
    store = kit.store
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "vendor")
    await kit.process_inbound(from_customer("hi", {"where": "east"}), room_id="r")
    again, provider = await start(store)
    await agent_says(again, "back")
    assert provider.sent == [("cust-1", {"where": "east"})]


async def test_a_binding_holds_details_for_its_to_addresses() -> None:
    kit, provider = await start()
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel(
        "r", "vendor", metadata={"to": ["grp", "plain"], ADDRESS_DETAILS: {"grp": {"k": 1}}}
    )
    await agent_says(kit, "all")
    assert sorted(provider.sent, key=lambda s: s[0]) == [("grp", {"k": 1}), ("plain", None)]


async def test_prepare_runs_before_authenticate_and_parse() -> None:
    kit, provider = await start()
    meta = {"method": "POST", "url": "https://x/hook", "headers": {"x-key": "no"}, "body": b"{}"}
    with pytest.raises(WebhookSignatureError):
        await kit.process_webhook(meta=meta, channel_id="vendor")
    assert provider.calls == ["prepare", "authenticate"]
    meta["headers"] = {"x-key": "ok"}
    await kit.process_webhook(meta=meta, channel_id="vendor")
    assert provider.calls[2:] == ["prepare", "authenticate", "parse"]


async def test_system_and_reaction_content_make_events_no_ai_answers() -> None:
    kit, _ = await start()
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "vendor")
    reaction = InboundMessage(
        channel_id="vendor",
        sender_id="cust-1",
        content=SystemContent(body="+1", code="reaction"),
    )
    notice = reaction.model_copy(update={"content": SystemContent(body="joined", code="x")})
    first = await kit.process_inbound(reaction, room_id="r")
    second = await kit.process_inbound(notice, room_id="r")
    assert first.event is not None and first.event.type is EventType.REACTION
    assert second.event is not None and second.event.type is EventType.SYSTEM
