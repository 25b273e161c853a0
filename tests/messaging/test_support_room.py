"""One support room: a WebSocket agent, an SMS customer (Twilio), an email customer
(SendGrid) and an AI. Every message reaches the others in each channel's form, through the real
vendor SDK/HTTP clients and loopback fakes; status callbacks update the deliveries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from roomkit import (
    DeliveryStatus,
    EmailChannel,
    InboundMessage,
    MediaContent,
    RoomEvent,
    RoomKit,
    SMSChannel,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.domain.content import CompositeContent, RichContent
from roomkit.domain.enums import DeliveryState
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.providers.sendgrid.config import SendGridConfig
from roomkit.providers.sendgrid.email import SendGridEmailProvider
from roomkit.providers.twilio.config import TwilioConfig
from roomkit.providers.twilio.sms import TwilioSMSProvider
from roomkit_fakes.sendgrid import SendGridFake
from roomkit_fakes.twilio import TwilioFake

SMS_CUSTOMER, OUR_NUMBER = "+15145550199", "+15145550100"
EMAIL_CUSTOMER = "carol@example.org"
HOOK = "https://support.example.com/hooks/twilio"


class Room:
    def __init__(self, kit: RoomKit, twilio: TwilioFake, sendgrid: SendGridFake) -> None:
        self.kit, self.twilio, self.sendgrid = kit, twilio, sendgrid
        self.agent_screen: list[RoomEvent] = []
        self.statuses: list[DeliveryStatus] = []


@pytest_asyncio.fixture
async def room(twilio_fake: TwilioFake, sendgrid_fake: SendGridFake) -> AsyncIterator[Room]:
    kit = RoomKit()
    state = Room(kit, twilio_fake, sendgrid_fake)
    ws = WebSocketChannel("ws")

    async def show(_conn: str, event: RoomEvent) -> None:
        state.agent_screen.append(event)

    ws.register_connection("agent-laptop", show)
    kit.register_channel(ws)
    kit.register_channel(
        SMSChannel(
            "sms",
            provider=TwilioSMSProvider(
                TwilioConfig(
                    account_sid=twilio_fake.account_sid,
                    auth_token=twilio_fake.auth_token,
                    from_number=OUR_NUMBER,
                    base_url=twilio_fake.base_url,
                )
            ),
        )
    )
    kit.register_channel(
        EmailChannel(
            "email",
            provider=SendGridEmailProvider(
                SendGridConfig(
                    api_key=sendgrid_fake.token,
                    from_email="support@example.com",
                    event_webhook_public_key=sendgrid_fake.verification_key,
                    inbound_token="parse-secret",
                    base_url=sendgrid_fake.base_url,
                )
            ),
        )
    )
    ai = MockAIProvider(responses=["[AI] Your parcel arrives tomorrow.", "[AI] Refund started."])
    kit.register_channel(AIChannel("ai", provider=ai, system_prompt="You are support."))
    await kit.create_room(room_id="support")
    for channel in ("ws", "sms", "email", "ai"):
        await kit.attach_channel("support", channel)

    @kit.on_delivery_status
    async def track(status: DeliveryStatus) -> None:
        state.statuses.append(status)

    yield state
    await kit.close()


def bodies(events: list[RoomEvent]) -> list[str]:
    return [getattr(e.content, "body", e.content.type) for e in events]


async def test_a_conversation_across_sms_email_websocket_and_ai(room: Room) -> None:
    kit, twilio, sendgrid = room.kit, room.twilio, room.sendgrid

    # 1. the SMS customer writes; the agent sees it, the AI answers, the answer goes by SMS
    inbound = twilio.inbound_sms(
        HOOK, sender=SMS_CUSTOMER, to=OUR_NUMBER, body="Where is my parcel?", message_sid="SMa"
    )
    await kit.process_webhook(meta=inbound, channel_id="sms")
    assert bodies(room.agent_screen) == [
        "Where is my parcel?",
        "[AI] Your parcel arrives tomorrow.",
    ]
    assert [(m.to, m.text) for m in twilio.messages] == [
        (SMS_CUSTOMER, "[AI] Your parcel arrives tomorrow.")
    ]
    assert sendgrid.messages == []  # no email participant yet

    # 2. the email customer writes (Inbound Parse): the SMS customer gets it as a text, the
    #    AI answers both customers, each in their channel's form
    mail = SendGridFake.inbound_parse(
        sender=f"Carol <{EMAIL_CUSTOMER}>",
        to="support@example.com",
        subject="Refund",
        text="I want a refund",
        token="parse-secret",
    )
    await kit.process_webhook(meta=mail, channel_id="email")
    assert bodies(room.agent_screen)[2:] == ["I want a refund", "[AI] Refund started."]
    assert [m.text for m in twilio.messages[1:]] == ["I want a refund", "[AI] Refund started."]
    assert [(m.to, m.text) for m in sendgrid.messages] == [(EMAIL_CUSTOMER, "[AI] Refund started.")]

    # 3. the agent sends rich content with an image: HTML and a link by email, text by SMS
    reply = await kit.process_inbound(
        InboundMessage(
            channel_id="ws",
            sender_id="agent-7",
            content=CompositeContent(
                parts=[
                    RichContent(
                        body="<p>Label <b>attached</b></p>",
                        format="html",
                        plain_text="Label attached",
                    ),
                    MediaContent(url="https://cdn.example.com/label.png", mime_type="image/png"),
                ]
            ),
        ),
        room_id="support",
    )
    assert reply.event is not None
    [sms_text] = [r.form()["Body"] for r in twilio.raw if "Label" in r.form().get("Body", "")]
    assert "Label attached" in sms_text and "<b>" not in sms_text
    [agent_mail] = [m for m in sendgrid.mails if "Label" in m["content"][0]["value"]]
    email_parts = {c["type"]: c["value"] for c in agent_mail["content"]}
    assert "<b>attached</b>" in email_parts["text/html"]
    assert "https://cdn.example.com/label.png" in email_parts["text/html"]

    # 4. delivery reports: Twilio says delivered, SendGrid says bounced
    results = await kit.store.list_delivery_results("support", reply.event.id)
    sent = {r.channel_id: r.provider_message_id for r in results}
    assert set(sent) == {"sms", "email"}
    await kit.process_webhook(
        meta=twilio.status_callback(
            HOOK, message_sid=sent["sms"] or "", status="delivered", to=SMS_CUSTOMER
        ),
        channel_id="sms",
    )
    await kit.process_webhook(
        meta=sendgrid.events(
            [SendGridFake.event(sent["email"] or "", "bounce", EMAIL_CUSTOMER, reason="550")]
        ),
        channel_id="email",
    )
    assert [(s.channel_id, s.status, s.event_id) for s in room.statuses] == [
        ("sms", "delivered", reply.event.id),
        ("email", "failed", reply.event.id),
    ]
    states = {
        (r.channel_id, r.state)
        for r in await kit.store.list_delivery_results("support", reply.event.id)
    }
    assert states == {
        ("sms", DeliveryState.DELIVERED),
        ("email", DeliveryState.DELIVERED),
        ("email", DeliveryState.FAILED),
    }
    assert (await kit.store.list_delivery_statuses(sent["sms"] or ""))[0].status == "delivered"


async def test_a_slow_vendor_does_not_hold_up_the_other_deliveries(room: Room) -> None:
    import asyncio

    kit, twilio, sendgrid = room.kit, room.twilio, room.sendgrid
    await kit.update_binding_metadata("support", "sms", {"to": SMS_CUSTOMER})
    await kit.update_binding_metadata("support", "email", {"to": EMAIL_CUSTOMER})
    await kit.mute("support", "ai")
    release = twilio.hold_next()  # Twilio does not answer the next send until released
    task = asyncio.create_task(
        kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="agent-7", content=TextContent(body="hi")),
            room_id="support",
        )
    )
    async with asyncio.timeout(20):
        while not sendgrid.messages:  # noqa: ASYNC110 - the email leaves while the SMS is held
            await asyncio.sleep(0.01)
    assert twilio.messages == [] and not task.done()
    release.set()
    result = await task
    assert result.event is not None and [m.text for m in twilio.messages] == ["hi"]
