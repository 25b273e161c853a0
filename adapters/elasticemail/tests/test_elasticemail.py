"""Elastic Email over httpx against the loopback Elastic Email fake."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from roomkit import (
    InboundMessage,
    MediaContent,
    RoomKit,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import CompositeContent, RichContent
from roomkit.domain.email_content import data_url
from roomkit.domain.enums import DeliveryState
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.elasticemail.config import ElasticEmailConfig
from roomkit.providers.elasticemail.email import ElasticEmailProvider
from roomkit.transports import EmailChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.elasticemail import ElasticEmailFake

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
CUSTOMER = "bob@example.net"
TOKEN = "ee-hook"


def provider_for(fake: ElasticEmailFake) -> ElasticEmailProvider:
    return ElasticEmailProvider(
        ElasticEmailConfig(
            api_key=fake.token,
            from_email="support@example.com",
            from_name="Support Team",
            webhook_token=TOKEN,
            base_url=fake.base_url,
            retry=FAST,
        )
    )


class TestElasticEmailContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, elasticemail_fake: ElasticEmailFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = provider_for(elasticemail_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(m.to, m.text) for m in elasticemail_fake.messages],
            refuse=lambda on: elasticemail_fake.refuse_all(400 if on else None),
            throttle_once=lambda: elasticemail_fake.throttle_next("0"),
        )
        await provider.close()


def json_request(payload: dict[str, str]) -> WebhookRequest:
    return WebhookRequest(
        url="https://app.example.com/webhooks/elasticemail",
        headers={"content-type": "application/json"},
        body=json.dumps(payload).encode(),
    )


def with_token(token: str) -> Callable[[WebhookRequest], WebhookRequest]:
    return lambda r: r.model_copy(update={"url": r.url.split("?")[0] + f"?token={token}"})


class TestElasticEmailWebhooks(WebhookParserContract):
    expected_failures = {
        "test_tampered_body_is_rejected": (
            "Elastic Email does not sign its posts: the URL token authenticates the sender, "
            "not the body"
        )
    }

    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = ElasticEmailProvider(
            ElasticEmailConfig(api_key="k", from_email="s@example.com", webhook_token=TOKEN)
        )
        return WebhookScenario(
            parser=provider,
            inbound=json_request(
                {
                    "from": f"Bob <{CUSTOMER}>",
                    "subject": "Hi",
                    "text": "contracthello",
                    "messageid": "ee-1",
                }
            ),
            sender_id=CUSTOMER,
            text="contracthello",
            provider_message_id="ee-1",
            sign=with_token(TOKEN),
            sign_with_wrong_key=with_token("guess"),
            malformed=json_request({"subject": "no sender", "text": "x"}),
            status_report=json_request({"messageid": "ee-9", "status": "Bounced", "to": CUSTOMER}),
            status_message_id="ee-9",
        )


async def test_html_attachments_and_subject(elasticemail_fake: ElasticEmailFake) -> None:
    provider = provider_for(elasticemail_fake)
    content = CompositeContent(
        parts=[
            RichContent(body="**Invoice** ready", plain_text="Invoice ready"),
            MediaContent(
                url=data_url("text/csv", b"a,b\n1,2\n"), mime_type="text/csv", filename="x.csv"
            ),
        ]
    )
    event = MessageProviderContract.event("x").model_copy(
        update={"content": content, "metadata": {"subject": "Invoice #7"}}
    )
    assert (await provider.send(event, to=CUSTOMER)).success
    [email] = elasticemail_fake.emails
    assert email["Recipients"] == {"To": [CUSTOMER]}
    body = email["Content"]
    assert body["From"] == "Support Team <support@example.com>" and body["Subject"] == "Invoice #7"
    assert [p["ContentType"] for p in body["Body"]] == ["HTML", "PlainText"]
    [attachment] = body["Attachments"]
    assert attachment["Name"] == "x.csv"
    assert base64.b64decode(attachment["BinaryContent"]) == b"a,b\n1,2\n"
    await provider.close()


async def test_inbound_mail_and_notifications(elasticemail_fake: ElasticEmailFake) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(EmailChannel("email-main", provider=provider_for(elasticemail_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "email-main")
    inbound = json_request(
        {
            "from": f"Bob <{CUSTOMER}>",
            "subject": "Refund",
            "text": "Please refund",
            "messageid": "in-1",
        }
    )
    meta = {
        "method": "POST",
        "url": inbound.url + f"?token={TOKEN}",
        "headers": dict(inbound.headers),
        "body": inbound.body,
    }
    outcome = await kit.process_webhook(meta=meta, channel_id="email-main")
    assert outcome.event is not None and outcome.event.content == TextContent(body="Please refund")
    with pytest.raises(WebhookSignatureError):
        await kit.process_webhook(meta={**meta, "url": inbound.url}, channel_id="email-main")
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Done")),
        room_id="r",
    )
    assert result.event is not None
    [sent] = await kit.store.list_delivery_results("r", result.event.id)
    bounce = ElasticEmailFake.notification(
        message_id=sent.provider_message_id or "",
        to=CUSTOMER,
        status="Bounced",
        token=TOKEN,
        category="NoMailbox",
    )
    [status] = (await kit.process_webhook(meta=bounce, channel_id="email-main")).statuses
    assert (status.status, status.error_code) == ("failed", "NoMailbox")
    states = [r.state for r in await kit.store.list_delivery_results("r", result.event.id)]
    assert states == [DeliveryState.DELIVERED, DeliveryState.FAILED]
    await kit.close()
