"""SendGrid email over httpx against the loopback SendGrid fake; the Event Webhook signed with
ECDSA as SendGrid signs it; Inbound Parse posts as SendGrid builds them."""

from __future__ import annotations

import base64
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
from roomkit.providers.sendgrid.config import SendGridConfig
from roomkit.providers.sendgrid.email import SendGridEmailProvider
from roomkit.transports import EmailChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.sendgrid import SendGridFake

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
CUSTOMER = "alice@example.org"
TOKEN = "parse-token-123"


def provider_for(fake: SendGridFake) -> SendGridEmailProvider:
    return SendGridEmailProvider(
        SendGridConfig(
            api_key=fake.token,
            from_email="support@example.com",
            from_name="Support",
            event_webhook_public_key=fake.verification_key,
            inbound_token=TOKEN,
            base_url=fake.base_url,
            retry=FAST,
        )
    )


class TestSendGridContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, sendgrid_fake: SendGridFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = provider_for(sendgrid_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(m.to, m.text) for m in sendgrid_fake.messages],
            refuse=lambda on: sendgrid_fake.refuse_all(400 if on else None),
            throttle_once=lambda: sendgrid_fake.throttle_next("0"),
        )
        await provider.close()


SIGNING = SendGridFake()  # its key pair signs the scenario's event batches
OTHER = SendGridFake()


def signer(fake: SendGridFake, token: str) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        if r.content_type.startswith("multipart/"):
            return r.model_copy(update={"url": r.url.split("?")[0] + f"?token={token}"})
        signed = fake.events([])  # the header shape; re-signed over this body below
        stamp = signed["headers"]["X-Twilio-Email-Event-Webhook-Timestamp"]
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        signature = fake._private.sign(stamp.encode() + r.body, ec.ECDSA(hashes.SHA256()))
        headers = {
            **r.headers,
            "x-twilio-email-event-webhook-signature": base64.b64encode(signature).decode(),
            "x-twilio-email-event-webhook-timestamp": stamp,
        }
        return r.model_copy(update={"headers": headers})

    return sign


def meta_request(meta: dict[str, object]) -> WebhookRequest:
    request = WebhookRequest.from_meta(meta)
    return request.model_copy(update={"url": request.url.split("?")[0]})


class TestSendGridWebhooks(WebhookParserContract):
    expected_failures = {
        "test_tampered_body_is_rejected": (
            "SendGrid does not sign Inbound Parse posts: the URL token authenticates the "
            "sender, not the body"
        )
    }

    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = SendGridEmailProvider(
            SendGridConfig(
                api_key="SG.x",
                from_email="support@example.com",
                event_webhook_public_key=SIGNING.verification_key,
                inbound_token=TOKEN,
            )
        )
        inbound = SendGridFake.inbound_parse(
            sender=f"Alice <{CUSTOMER}>",
            to="support@example.com",
            subject="Order",
            text="contracthello",
            message_id="<m1@example.org>",
        )
        malformed = SendGridFake.inbound_parse(
            sender="nobody", to="support@example.com", subject="x", text="no address"
        )
        report = SIGNING.events(
            [SendGridFake.event("sgid1", "bounce", CUSTOMER, reason="550 no such user")]
        )
        return WebhookScenario(
            parser=provider,
            inbound=meta_request(inbound),
            sender_id=CUSTOMER,
            text="contracthello",
            provider_message_id="<m1@example.org>",
            sign=signer(SIGNING, TOKEN),
            sign_with_wrong_key=signer(OTHER, "wrong-token"),
            malformed=meta_request(malformed),
            status_report=WebhookRequest.from_meta(
                {**report, "headers": {"content-type": "application/json"}}
            ),
            status_message_id="sgid1",
        )


def event(content: object) -> object:
    return MessageProviderContract.event("x").model_copy(
        update={"content": content, "metadata": {"subject": "Your order"}}
    )


async def test_html_and_attachments_reach_sendgrid(sendgrid_fake: SendGridFake) -> None:
    provider = provider_for(sendgrid_fake)
    content = CompositeContent(
        parts=[
            RichContent(
                body="<p>Your <b>invoice</b></p>", format="html", plain_text="Your invoice"
            ),
            MediaContent(
                url=data_url("application/pdf", b"%PDF-1.4 fake"),
                mime_type="application/pdf",
                filename="invoice.pdf",
            ),
            MediaContent(url="https://cdn.example.com/logo.png", mime_type="image/png"),
        ]
    )
    result = await provider.send(event(content), to=CUSTOMER)  # type: ignore[arg-type]
    assert result.success and result.provider_message_id
    [mail] = sendgrid_fake.mails
    assert mail["subject"] == "Your order"
    assert mail["from"] == {"email": "support@example.com", "name": "Support"}
    [plain, html] = mail["content"]
    assert plain["type"] == "text/plain" and "Your invoice" in plain["value"]
    assert (
        "<b>invoice</b>" in html["value"]
        and 'href="https://cdn.example.com/logo.png"' in html["value"]
    )
    [attachment] = mail["attachments"]
    assert attachment["filename"] == "invoice.pdf" and attachment["type"] == "application/pdf"
    assert base64.b64decode(attachment["content"]) == b"%PDF-1.4 fake"
    await provider.close()


async def test_plain_text_goes_as_text_only(sendgrid_fake: SendGridFake) -> None:
    provider = provider_for(sendgrid_fake)
    assert (await provider.send(event(TextContent(body="Thanks!")), to=CUSTOMER)).success  # type: ignore[arg-type]
    assert sendgrid_fake.mails[0]["content"] == [{"type": "text/plain", "value": "Thanks!"}]
    await provider.close()


async def test_email_room_inbound_and_bounce(sendgrid_fake: SendGridFake) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(EmailChannel("email-sg", provider=provider_for(sendgrid_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "email-sg")
    mail = SendGridFake.inbound_parse(
        sender=f"Alice <{CUSTOMER}>",
        to="support@example.com",
        subject="Broken",
        text="It broke",
        html="<p>It <i>broke</i></p>",
        attachments=[("photo.jpg", "image/jpeg", b"\xff\xd8jpeg")],
        token=TOKEN,
    )
    outcome = await kit.process_webhook(meta=mail, channel_id="email-sg")
    assert outcome.event is not None
    assert outcome.event.source.external_id == CUSTOMER
    content = outcome.event.content
    assert isinstance(content, CompositeContent)
    assert content.parts[0] == RichContent(
        body="<p>It <i>broke</i></p>", format="html", plain_text="It broke"
    )
    assert content.parts[1] == MediaContent(
        url=data_url("image/jpeg", b"\xff\xd8jpeg"), mime_type="image/jpeg", filename="photo.jpg"
    )
    assert outcome.event.metadata["subject"] == "Broken"
    assert (await kit.process_webhook(meta=mail, channel_id="email-sg")).result.duplicate  # type: ignore[union-attr]

    no_token = {**mail, "url": mail["url"].split("?")[0]}  # type: ignore[union-attr]
    with pytest.raises(WebhookSignatureError, match="token"):
        await kit.process_webhook(meta=no_token, channel_id="email-sg")

    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Sorry!")),
        room_id="r",
    )
    assert result.event is not None
    assert [m.to for m in sendgrid_fake.messages] == [CUSTOMER]
    [sent] = await kit.store.list_delivery_results("r", result.event.id)
    bounce = sendgrid_fake.events(
        [
            SendGridFake.event(sent.provider_message_id or "", "processed", CUSTOMER),
            SendGridFake.event(
                sent.provider_message_id or "",
                "bounce",
                CUSTOMER,
                reason="550 mailbox full",
                status="5.2.2",
            ),
            SendGridFake.event(sent.provider_message_id or "", "spamreport", CUSTOMER),
        ]
    )
    statuses = (await kit.process_webhook(meta=bounce, channel_id="email-sg")).statuses
    assert [s.status for s in statuses] == ["queued", "failed"]
    failed = [
        r
        for r in await kit.store.list_delivery_results("r", result.event.id)
        if r.state is DeliveryState.FAILED
    ]
    assert len(failed) == 1 and "550 mailbox full" in (failed[0].error or "")

    forged = sendgrid_fake.events([], timestamp=1_000_000_000)
    with pytest.raises(WebhookSignatureError, match="tolerance"):
        await kit.process_webhook(meta=forged, channel_id="email-sg")
    await kit.close()


def test_bad_verification_key_is_named() -> None:
    with pytest.raises(ValueError, match="verification key"):
        SendGridEmailProvider(
            SendGridConfig(api_key="k", from_email="a@b.c", event_webhook_public_key="bad!")
        )
