"""VoiceMeUp SMS over httpx against the loopback VoiceMeUp fake; split MMS webhooks merged."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from urllib.parse import urlencode

import pytest
import pytest_asyncio

from roomkit import MediaContent, RoomKit, TextContent, WebhookSignatureError
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import CompositeContent
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.voicemeup.config import VoiceMeUpConfig
from roomkit.providers.voicemeup.sms import VoiceMeUpSMSProvider, parse_voicemeup_webhook
from roomkit.transports import SMSChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.voicemeup import VoiceMeUpFake

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
CUSTOMER = "+15145550142"
OURS = "+15145550100"
TOKEN = "vmu-hook-token"


def provider_for(fake: VoiceMeUpFake, **extra: object) -> VoiceMeUpSMSProvider:
    return VoiceMeUpSMSProvider(
        VoiceMeUpConfig(
            username=fake.username,
            auth_token=fake.token,
            from_number=OURS,
            base_url=fake.base_url,
            webhook_token=TOKEN,
            retry=FAST,
            **extra,  # type: ignore[arg-type]
        )
    )


class TestVoiceMeUpContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, voicemeup_fake: VoiceMeUpFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = provider_for(voicemeup_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(m.to, m.text) for m in voicemeup_fake.messages],
            refuse=lambda on: voicemeup_fake.refuse_all(400 if on else None),
            throttle_once=lambda: voicemeup_fake.throttle_next("0"),
        )
        await provider.close()


def form_request(fields: dict[str, str]) -> WebhookRequest:
    return WebhookRequest(
        url="https://app.example.com/webhooks/voicemeup",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=urlencode(fields).encode(),
    )


def with_token(token: str) -> Callable[[WebhookRequest], WebhookRequest]:
    return lambda r: r.model_copy(update={"url": r.url.split("?")[0] + f"?token={token}"})


class TestVoiceMeUpWebhooks(WebhookParserContract):
    expected_failures = {
        "test_tampered_body_is_rejected": (
            "VoiceMeUp does not sign its webhooks: the URL token authenticates the sender, "
            "not the body"
        )
    }

    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = VoiceMeUpSMSProvider(
            VoiceMeUpConfig(username="u", auth_token="t", from_number=OURS, webhook_token=TOKEN)
        )
        return WebhookScenario(
            parser=provider,
            inbound=form_request(
                {
                    "sms_hash": "h1",
                    "source_number": CUSTOMER[1:],
                    "destination_number": OURS[1:],
                    "message": "contracthello",
                }
            ),
            sender_id=CUSTOMER,
            text="contracthello",
            provider_message_id="h1",
            sign=with_token(TOKEN),
            sign_with_wrong_key=with_token("guessed"),
            malformed=form_request({"sms_hash": "h2", "message": "no sender"}),
        )


def event(content: object) -> object:
    return MessageProviderContract.event("x").model_copy(update={"content": content})


async def test_form_fields_split_text_and_attachment(voicemeup_fake: VoiceMeUpFake) -> None:
    provider = provider_for(voicemeup_fake)
    content = CompositeContent(
        parts=[
            TextContent(body="a" * 1500),
            MediaContent(url="https://cdn.example.com/m.jpg", mime_type="image/jpeg"),
        ]
    )
    result = await provider.send(event(content), to=CUSTOMER)  # type: ignore[arg-type]
    assert result.success and len(result.metadata["provider_message_ids"]) == 2
    first, second = (raw.form() for raw in voicemeup_fake.raw)
    assert first["destination_number"] == CUSTOMER[1:] and first["source_number"] == OURS[1:]
    assert first["attachment"] == "https://cdn.example.com/m.jpg"
    assert len(first["message"]) <= 1000 and "attachment" not in second
    assert first["message"] + second["message"] == "a" * 1500
    await provider.close()


async def test_vendor_error_codes_are_refusals(voicemeup_fake: VoiceMeUpFake) -> None:
    provider = VoiceMeUpSMSProvider(
        VoiceMeUpConfig(
            username="someone",
            auth_token="wrong",
            from_number=OURS,
            base_url=voicemeup_fake.base_url,
        )
    )
    result = await provider.send(event(TextContent(body="hi")), to=CUSTOMER)  # type: ignore[arg-type]
    assert not result.success and "invalid_credentials" in (result.error or "")
    await provider.close()


async def test_split_mms_becomes_one_message(voicemeup_fake: VoiceMeUpFake) -> None:
    kit = RoomKit()
    kit.register_channel(SMSChannel("sms-vmu", provider=provider_for(voicemeup_fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "sms-vmu")
    first, second = VoiceMeUpFake.inbound_mms(
        sender=CUSTOMER,
        to=OURS,
        text="look at this",
        media_url="https://vmu/m/1.jpg",
        mime="image/jpeg",
        token=TOKEN,
    )
    held = await kit.process_webhook(meta=first, channel_id="sms-vmu")
    assert held.results == [] and await kit.get_timeline("r") == []
    merged = await kit.process_webhook(meta=second, channel_id="sms-vmu")
    assert merged.event is not None and merged.event.content == CompositeContent(
        parts=[
            TextContent(body="look at this"),
            MediaContent(url="https://vmu/m/1.jpg", mime_type="image/jpeg"),
        ]
    )
    again = await kit.process_webhook(meta=second, channel_id="sms-vmu")  # redelivered half
    assert again.results == []
    assert len(await kit.get_timeline("r")) == 1

    bad = {**first, "url": first["url"].replace(TOKEN, "nope")}
    with pytest.raises(WebhookSignatureError, match="token"):
        await kit.process_webhook(meta=bad, channel_id="sms-vmu")
    await kit.close()


async def test_text_half_without_media_is_flushed(voicemeup_fake: VoiceMeUpFake) -> None:
    provider = provider_for(voicemeup_fake)
    first, _ = VoiceMeUpFake.inbound_mms(
        sender=CUSTOMER, to=OURS, text="media lost", media_url="u", mime="image/png", token=TOKEN
    )
    request = WebhookRequest.from_meta(first)
    provider.authenticate(request)
    assert provider.parse(request, "sms-vmu").messages == []
    [message] = provider.flush_pending_mms(force=True)
    assert message.content == TextContent(body="media lost")
    await provider.close()


def test_parse_voicemeup_webhook() -> None:
    message = parse_voicemeup_webhook(
        {"sms_hash": "h", "source_number": "15145550142", "message": "yo"}
    )
    assert (message.sender_id, message.provider_message_id) == (CUSTOMER, "h")
