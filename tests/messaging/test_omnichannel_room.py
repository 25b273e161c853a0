"""One support room with a WebSocket agent, a WhatsApp customer, a Telegram customer and an AI,
every vendor reached through its real client on 127.0.0.1: each message reaches the others in
each channel's richest form, and a WhatsApp delivery that fails falls back to SMS exactly once,
also when the process restarts before the deadline passes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_asyncio

from roomkit import (
    AIChannel,
    FallbackPolicy,
    FallbackState,
    InboundMessage,
    RichContent,
    RoomKit,
    SMSChannel,
    TelegramChannel,
    TextContent,
    WebSocketChannel,
    WhatsAppChannel,
)
from roomkit.plugins.builtin.clock import ManualClock
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.providers.telegram.bot import TelegramBotProvider
from roomkit.providers.telegram.config import TelegramConfig
from roomkit.providers.twilio.config import TwilioConfig
from roomkit.providers.twilio.sms import TwilioSMSProvider
from roomkit.providers.whatsapp.base import WhatsAppProvider
from roomkit_fakes.telegram import TelegramFake
from roomkit_fakes.twilio import TwilioFake
from roomkit_fakes.whatsapp import WhatsAppFake

WA_CUSTOMER = "+15145550199"
TG_CHAT = 777000111
OUR_NUMBER = "+15145550100"


@dataclass
class Room:
    kit: RoomKit
    clock: ManualClock
    whatsapp: WhatsAppFake
    telegram: TelegramFake
    twilio: TwilioFake
    agent_saw: list[Any] = field(default_factory=list)

    def whatsapp_sends(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.whatsapp.raw if r.path.endswith("/messages")]

    def telegram_sends(self) -> list[dict[str, Any]]:
        return [_body(r) for r in self.telegram.raw if r.path.endswith("/sendMessage")]

    def sms(self) -> list[tuple[str, str]]:
        return [(m.to, m.text) for m in self.twilio.messages]


def _body(request: Any) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(request.json())
    return request.form()


async def build_kit(
    clock: ManualClock,
    whatsapp: WhatsAppFake,
    telegram: TelegramFake,
    twilio: TwilioFake,
    store: Any = None,
) -> RoomKit:
    kit = RoomKit(clock=clock, store=store) if store is not None else RoomKit(clock=clock)
    kit.register_channel(WebSocketChannel("agent"))
    kit.register_channel(
        WhatsAppChannel(
            "wa",
            provider=WhatsAppProvider(
                access_token=whatsapp.token,
                phone_number_id=whatsapp.phone_number_id,
                app_secret=whatsapp.app_secret,
                verify_token=whatsapp.verify_token,
                base_url=whatsapp.base_url,
                clock=clock,
            ),
        )
    )
    kit.register_channel(
        TelegramChannel(
            "telegram",
            provider=TelegramBotProvider(
                TelegramConfig(
                    bot_token=telegram.bot_token,
                    secret_token=telegram.secret_token,
                    base_url=telegram.base_url,
                )
            ),
        )
    )
    kit.register_channel(
        SMSChannel(
            "sms",
            provider=TwilioSMSProvider(
                TwilioConfig(
                    account_sid=twilio.account_sid,
                    auth_token=twilio.auth_token,
                    from_number=OUR_NUMBER,
                    base_url=twilio.base_url,
                )
            ),
        )
    )
    return kit


async def attach_all(kit: RoomKit, *, with_ai: bool) -> None:
    await kit.create_room(room_id="support")
    await kit.attach_channel("support", "agent")
    await kit.attach_channel("support", "telegram")
    await kit.attach_channel("support", "sms", metadata={"to": WA_CUSTOMER})
    await kit.attach_channel(
        "support",
        "wa",
        metadata={"to": WA_CUSTOMER},
        fallback=FallbackPolicy(channel_id="sms", after=60.0),
    )
    if with_ai:
        await kit.attach_channel("support", "ai")


@pytest_asyncio.fixture
async def room(
    whatsapp_fake: WhatsAppFake, telegram_fake: TelegramFake, twilio_fake: TwilioFake
) -> AsyncIterator[Room]:
    clock = ManualClock()
    kit = await build_kit(clock, whatsapp_fake, telegram_fake, twilio_fake)
    kit.register_channel(
        AIChannel("ai", provider=MockAIProvider(responses=["Happy to help with that."]))
    )
    state = Room(kit, clock, whatsapp_fake, telegram_fake, twilio_fake)

    async def agent_screen(_conn: str, event: Any) -> None:
        state.agent_saw.append(event)

    agent = kit.channels["agent"]
    assert isinstance(agent, WebSocketChannel)
    agent.register_connection("agent-laptop", agent_screen, room_id="support")
    await attach_all(kit, with_ai=True)
    yield state
    await kit.close()


async def whatsapp_writes(room: Room, text: str) -> Any:
    request = room.whatsapp.inbound_text(
        sender=WA_CUSTOMER.lstrip("+"), text=text, timestamp=room.clock.now().timestamp()
    )
    return (await room.kit.process_webhook(meta=request, channel_id="wa")).event


async def confirm_whatsapp_deliveries(room: Room) -> None:
    """Meta's delivered status for every WhatsApp send so far, as signed webhooks."""
    for event in await room.kit.store.list_events("support", 0, 1000):
        for result in await room.kit.store.list_delivery_results("support", event.id):
            if result.channel_id == "wa" and result.provider_message_id:
                report = room.whatsapp.status(
                    message_id=result.provider_message_id,
                    recipient=WA_CUSTOMER.lstrip("+"),
                    status="delivered",
                )
                await room.kit.process_webhook(meta=report, channel_id="wa")


async def telegram_writes(room: Room, text: str) -> Any:
    update = room.telegram.text_update(chat_id=TG_CHAT, text=text)
    request = room.telegram.webhook_request(update)
    return (await room.kit.process_webhook(meta=request, channel_id="telegram")).event


async def test_each_message_reaches_the_others_in_their_richest_form(room: Room) -> None:
    asked = await whatsapp_writes(room, "Where is my parcel?")
    # the agent's screen shows it, the AI answers, the answer goes back on WhatsApp
    assert [e.content.body for e in room.agent_saw] == [
        "Where is my parcel?",
        "Happy to help with that.",
    ]
    assert room.agent_saw[0].id == asked.id
    assert [m["text"]["body"] for m in room.whatsapp_sends()] == ["Happy to help with that."]

    await telegram_writes(room, "Same question from Telegram")
    # the WhatsApp customer reads the Telegram customer's message and the AI's answer; the
    # Telegram customer gets only the answer (their own message is not echoed back)
    assert [m["text"]["body"] for m in room.whatsapp_sends()][1:] == [
        "Same question from Telegram",
        "Happy to help with that.",
    ]
    assert [m["text"] for m in room.telegram_sends()] == ["Happy to help with that."]
    assert room.agent_saw[-2].content.body == "Same question from Telegram"

    # the agent offers choices: interactive buttons on WhatsApp, an inline keyboard on Telegram
    offer = RichContent(
        body="Which day suits you?",
        buttons=[{"text": "Friday", "payload": "FRI"}, {"text": "Saturday", "payload": "SAT"}],
    )
    await room.kit.process_inbound(
        InboundMessage(channel_id="agent", sender_id="agent-1", content=offer),
        room_id="support",
    )
    # (the AI answers the agent too, in plain text, after the offer)
    [wa_offer] = [m for m in room.whatsapp_sends() if m["type"] != "text"]
    assert wa_offer["type"] == "interactive"
    titles = [b["reply"]["title"] for b in wa_offer["interactive"]["action"]["buttons"]]
    assert titles == ["Friday", "Saturday"]
    [tg_offer] = [m for m in room.telegram_sends() if "reply_markup" in m]
    assert "Which day suits you?" in tg_offer["text"]
    markup = tg_offer["reply_markup"]
    keyboard = markup if isinstance(markup, dict) else json.loads(markup)
    labels = [b["text"] for row in keyboard["inline_keyboard"] for b in row]
    assert labels == ["Friday", "Saturday"]
    # no SMS: WhatsApp delivered everything, so its fallback never fired
    assert room.sms() == []
    records = await room.kit.list_fallbacks("support")
    states = {r.state for r in records}
    # sent on WhatsApp and awaiting Meta's delivered status; the customers' own messages had
    # no one to go to on WhatsApp, so no delivery (and no fallback) was made for them
    assert states == {FallbackState.PENDING}
    asked_records = await room.kit.list_fallbacks("support", asked.id)
    assert asked_records == []
    await confirm_whatsapp_deliveries(room)
    assert {r.state for r in await room.kit.list_fallbacks("support")} == {FallbackState.SETTLED}
    room.clock.advance(3600)
    assert await room.kit.check_fallbacks() == 0
    assert room.sms() == []


async def test_a_failed_whatsapp_delivery_falls_back_to_sms_once(room: Room) -> None:
    await whatsapp_writes(room, "Where is my parcel?")
    await confirm_whatsapp_deliveries(room)  # the AI's answer reached the customer
    room.whatsapp.refuse_all(500)  # Meta is down: every send fails after its retries
    sent = await room.kit.process_inbound(
        InboundMessage(
            channel_id="agent", sender_id="agent-1", content=TextContent(body="It ships today")
        ),
        room_id="support",
    )
    # the agent's message and the AI's answer to it each reach the customer by SMS, once
    expected = [(WA_CUSTOMER, "It ships today"), (WA_CUSTOMER, "Happy to help with that.")]
    assert room.sms() == expected
    [record] = await room.kit.list_fallbacks("support", sent.event.id)
    assert record.state is FallbackState.FIRED
    # later checks send nothing more
    room.clock.advance(3600)
    assert await room.kit.check_fallbacks() == 0
    assert room.sms() == expected
    # the customer's own WhatsApp message was never sent back to them on either channel
    assert all(text != "Where is my parcel?" for _, text in room.sms())


async def test_the_fallback_survives_a_restart_and_fires_once(
    tmp_path: Path,
    whatsapp_fake: WhatsAppFake,
    telegram_fake: TelegramFake,
    twilio_fake: TwilioFake,
) -> None:
    from roomkit.store.sqlite import SQLiteStore

    path = tmp_path / "rooms.db"
    clock = ManualClock()
    store = SQLiteStore(str(path))
    await store.init()
    first = await build_kit(clock, whatsapp_fake, telegram_fake, twilio_fake, store=store)
    await attach_all(first, with_ai=False)
    request = whatsapp_fake.inbound_text(
        sender=WA_CUSTOMER.lstrip("+"), text="Hello", timestamp=clock.now().timestamp()
    )
    await first.process_webhook(meta=request, channel_id="wa")
    sent = await first.process_inbound(
        InboundMessage(
            channel_id="agent", sender_id="agent-1", content=TextContent(body="Ships Friday")
        ),
        room_id="support",
    )
    # WhatsApp accepted the send, but no delivered status comes; the process stops
    assert [m["text"]["body"] for m in whatsapp_sends(whatsapp_fake)] == ["Ships Friday"]
    await first.close()
    assert twilio_fake.messages == []

    for _ in range(2):  # two restarts after the deadline: the SMS goes out once
        clock.advance(61)
        store = SQLiteStore(str(path))
        await store.init()
        kit = await build_kit(clock, whatsapp_fake, telegram_fake, twilio_fake, store=store)
        await kit.check_fallbacks()
        [record] = await kit.list_fallbacks("support", sent.event.id)
        assert record.state is FallbackState.FIRED
        await kit.close()
    assert [(m.to, m.text) for m in twilio_fake.messages] == [(WA_CUSTOMER, "Ships Friday")]


def whatsapp_sends(fake: WhatsAppFake) -> list[dict[str, Any]]:
    return [r.json() for r in fake.raw if r.path.endswith("/messages")]
