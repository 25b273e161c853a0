"""Twilio providers on the real twilio SDK against the loopback Twilio fake; webhooks signed
with the SDK's RequestValidator, as Twilio signs them."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qsl, urlencode

import pytest
import pytest_asyncio
from twilio.request_validator import RequestValidator

from roomkit import (
    DeliveryStatus,
    InboundMessage,
    MediaContent,
    RoomKit,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import CompositeContent, TemplateContent
from roomkit.domain.enums import DeliveryState
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.twilio.config import TwilioConfig
from roomkit.providers.twilio.rcs import TwilioRCSConfig, TwilioRCSProvider
from roomkit.providers.twilio.sms import TwilioSMSProvider, parse_twilio_webhook
from roomkit.transports import RCSChannel, SMSChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.twilio import TwilioFake

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
HOOK_URL = "https://app.example.com/webhooks/twilio?tenant=7"
CUSTOMER = "+15145550199"
OUR_NUMBER = "+15145550100"


def sms_provider(fake: TwilioFake, **extra: object) -> TwilioSMSProvider:
    return TwilioSMSProvider(
        TwilioConfig(
            account_sid=fake.account_sid,
            auth_token=fake.auth_token,
            from_number=OUR_NUMBER,
            base_url=fake.base_url,
            retry=FAST,
            **extra,  # type: ignore[arg-type]
        )
    )


def event(content: object) -> object:
    return MessageProviderContract.event("x").model_copy(update={"content": content})


class TestTwilioSMSContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, twilio_fake: TwilioFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = sms_provider(twilio_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CUSTOMER,
            received=lambda: [Received(m.to, m.text) for m in twilio_fake.messages],
            refuse=lambda on: twilio_fake.refuse_all(400 if on else None),
            throttle_once=lambda: twilio_fake.throttle_next("0"),
        )
        await provider.close()


def form_request(params: dict[str, str]) -> WebhookRequest:
    return WebhookRequest(
        url=HOOK_URL,
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=urlencode(params).encode(),
    )


def signer(token: str) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        params = dict(parse_qsl(r.body.decode("utf-8", "replace"), keep_blank_values=True))
        signature = RequestValidator(token).compute_signature(r.url, params)
        return r.model_copy(update={"headers": {**r.headers, "x-twilio-signature": signature}})

    return sign


class TestTwilioWebhooks(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = TwilioSMSProvider(
            TwilioConfig(account_sid="AC1", auth_token="tok", from_number=OUR_NUMBER)
        )
        base = {"AccountSid": "AC1", "To": OUR_NUMBER, "NumMedia": "0"}
        return WebhookScenario(
            parser=provider,
            inbound=form_request(
                {**base, "MessageSid": "SM1", "From": CUSTOMER, "Body": "contracthello"}
            ),
            sender_id=CUSTOMER,
            text="contracthello",
            provider_message_id="SM1",
            sign=signer("tok"),
            sign_with_wrong_key=signer("another-token"),
            malformed=form_request({**base, "MessageSid": "SM2", "Body": "no sender"}),
            status_report=form_request(
                {"MessageSid": "SM9", "MessageStatus": "undelivered", "To": CUSTOMER}
            ),
            status_message_id="SM9",
        )


# sending ---------------------------------------------------------------------------------------
async def test_mms_sends_each_media_url_with_the_caption(twilio_fake: TwilioFake) -> None:
    provider = sms_provider(twilio_fake)
    content = CompositeContent(
        parts=[
            TextContent(body="Your receipt"),
            MediaContent(url="https://cdn.example.com/r.png", mime_type="image/png"),
            MediaContent(url="https://cdn.example.com/r.pdf", mime_type="application/pdf"),
        ]
    )
    result = await provider.send(event(content), to=CUSTOMER)  # type: ignore[arg-type]
    assert result.success
    [raw] = twilio_fake.raw
    assert raw.path == f"/2010-04-01/Accounts/{twilio_fake.account_sid}/Messages.json"
    pairs = raw.form_pairs()
    assert ("Body", "Your receipt") in pairs and ("From", OUR_NUMBER) in pairs
    assert [v for k, v in pairs if k == "MediaUrl"] == [
        "https://cdn.example.com/r.png",
        "https://cdn.example.com/r.pdf",
    ]
    await provider.close()


async def test_long_text_goes_as_several_messages_within_twilios_limit(
    twilio_fake: TwilioFake,
) -> None:
    provider = sms_provider(twilio_fake)
    text = " ".join(f"word{i}" for i in range(700))  # about 4,800 characters
    result = await provider.send(event(TextContent(body=text)), to=CUSTOMER)  # type: ignore[arg-type]
    assert result.success, result.error
    bodies = [m.text for m in twilio_fake.messages]
    assert len(bodies) == 4 and all(len(b) <= 1600 for b in bodies)
    assert " ".join(bodies) == text
    assert len(result.metadata["provider_message_ids"]) == 4
    assert result.provider_message_id == result.metadata["provider_message_ids"][0]
    await provider.close()


async def test_refusal_carries_twilios_error_code(twilio_fake: TwilioFake) -> None:
    provider = sms_provider(twilio_fake)
    result = await provider.send(event(TextContent(body="hi")), to="5551234")  # type: ignore[arg-type]
    assert not result.success
    assert "error 21211" in (result.error or "") and "not a valid phone number" in (
        result.error or ""
    )
    await provider.close()


async def test_status_callback_and_messaging_service_are_sent(twilio_fake: TwilioFake) -> None:
    provider = TwilioSMSProvider(
        TwilioConfig(
            account_sid=twilio_fake.account_sid,
            auth_token=twilio_fake.auth_token,
            messaging_service_sid="MG123",
            status_callback="https://app.example.com/status",
            base_url=twilio_fake.base_url,
        )
    )
    assert (await provider.send(event(TextContent(body="hi")), to=CUSTOMER)).success  # type: ignore[arg-type]
    form = twilio_fake.raw[0].form()
    assert form["MessagingServiceSid"] == "MG123" and "From" not in form
    assert form["StatusCallback"] == "https://app.example.com/status"
    await provider.close()


async def test_wrong_credentials_are_a_refusal(twilio_fake: TwilioFake) -> None:
    provider = TwilioSMSProvider(
        TwilioConfig(
            account_sid=twilio_fake.account_sid,
            auth_token="wrong",
            from_number=OUR_NUMBER,
            base_url=twilio_fake.base_url,
        )
    )
    result = await provider.send(event(TextContent(body="hi")), to=CUSTOMER)  # type: ignore[arg-type]
    assert not result.success and "HTTP 401" in (result.error or "")
    await provider.close()


async def test_rcs_goes_through_the_messaging_service_with_content_templates(
    twilio_fake: TwilioFake,
) -> None:
    provider = TwilioRCSProvider(
        TwilioRCSConfig(
            account_sid=twilio_fake.account_sid,
            auth_token=twilio_fake.auth_token,
            messaging_service_sid="MGrcs",
            base_url=twilio_fake.base_url,
        )
    )
    card = TemplateContent(template_id="HX0123", parameters={"1": "Alice", "2": "10:30"})
    assert (await provider.send(event(card), to=CUSTOMER)).success  # type: ignore[arg-type]
    form = twilio_fake.raw[0].form()
    assert form["MessagingServiceSid"] == "MGrcs" and form["ContentSid"] == "HX0123"
    assert form["ContentVariables"] == '{"1": "Alice", "2": "10:30"}'
    await provider.close()


async def test_close_leaves_no_open_aiohttp_session(twilio_fake: TwilioFake) -> None:
    provider = sms_provider(twilio_fake)
    await provider.send(event(TextContent(body="hi")), to=CUSTOMER)  # type: ignore[arg-type]
    http = provider._http
    assert http is not None and http.session is not None
    await provider.close()
    assert http.session.closed


# receiving --------------------------------------------------------------------------------------
async def kit_with_twilio(fake: TwilioFake) -> RoomKit:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(SMSChannel("sms-twilio", provider=sms_provider(fake)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "sms-twilio")
    return kit


async def test_signed_inbound_sms_is_stored_once_and_answered_by_sms(
    twilio_fake: TwilioFake,
) -> None:
    kit = await kit_with_twilio(twilio_fake)
    meta = twilio_fake.inbound_sms(
        HOOK_URL, sender=CUSTOMER, to=OUR_NUMBER, body="Where is my order?", message_sid="SMin1"
    )
    outcome = await kit.process_webhook(meta=meta, channel_id="sms-twilio")
    assert outcome.event is not None
    assert outcome.event.content == TextContent(body="Where is my order?")
    assert (await kit.process_webhook(meta=meta, channel_id="sms-twilio")).result.duplicate  # type: ignore[union-attr]
    assert len(await kit.get_timeline("r")) == 1

    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="On its way")),
        room_id="r",
    )
    assert [(m.to, m.text) for m in twilio_fake.messages] == [(CUSTOMER, "On its way")]
    await kit.close()


async def test_inbound_mms_becomes_text_and_media(twilio_fake: TwilioFake) -> None:
    kit = await kit_with_twilio(twilio_fake)
    meta = twilio_fake.inbound_sms(
        HOOK_URL,
        sender=CUSTOMER,
        to=OUR_NUMBER,
        body="damaged box",
        message_sid="MMin1",
        media=[("https://api.twilio.com/media/ME1", "image/jpeg")],
    )
    outcome = await kit.process_webhook(meta=meta, channel_id="sms-twilio")
    assert outcome.event is not None
    assert outcome.event.content == CompositeContent(
        parts=[
            TextContent(body="damaged box"),
            MediaContent(url="https://api.twilio.com/media/ME1", mime_type="image/jpeg"),
        ]
    )
    await kit.close()


async def test_forged_or_replayed_to_another_url_is_rejected_and_not_stored(
    twilio_fake: TwilioFake,
) -> None:
    kit = await kit_with_twilio(twilio_fake)
    meta = twilio_fake.inbound_sms(
        HOOK_URL, sender=CUSTOMER, to=OUR_NUMBER, body="hi", message_sid="SMx"
    )
    elsewhere = {**meta, "url": "https://app.example.com/webhooks/twilio?tenant=8"}
    forged = twilio_fake.webhook(HOOK_URL, {"MessageSid": "SMy", "From": CUSTOMER}, token="guess")
    for bad in (elsewhere, forged):
        with pytest.raises(WebhookSignatureError, match="twilio webhook rejected"):
            await kit.process_webhook(meta=bad, channel_id="sms-twilio")
    assert await kit.get_timeline("r") == []
    await kit.close()


async def test_undelivered_status_callback_marks_the_delivery_failed(
    twilio_fake: TwilioFake,
) -> None:
    kit = await kit_with_twilio(twilio_fake)
    await kit.update_binding_metadata("r", "sms-twilio", {"to": CUSTOMER})
    seen: list[DeliveryStatus] = []
    kit.on_delivery_status(_collect(seen))
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Hi")),
        room_id="r",
    )
    assert result.event is not None
    [sent] = await kit.store.list_delivery_results("r", result.event.id)
    assert sent.state is DeliveryState.DELIVERED and sent.provider_message_id
    callback = twilio_fake.status_callback(
        "https://app.example.com/status",
        message_sid=sent.provider_message_id,
        status="undelivered",
        to=CUSTOMER,
        error_code="30003",
    )
    outcome = await kit.process_webhook(meta=callback, channel_id="sms-twilio")
    [status] = outcome.statuses
    assert (status.status, status.error_code, status.event_id) == (
        "failed",
        "30003",
        result.event.id,
    )
    assert seen == [status]
    states = [r.state for r in await kit.store.list_delivery_results("r", result.event.id)]
    assert states == [DeliveryState.DELIVERED, DeliveryState.FAILED]
    await kit.close()


def _collect(into: list[DeliveryStatus]):  # type: ignore[no-untyped-def]
    async def collect(status: DeliveryStatus) -> None:
        into.append(status)

    return collect


def test_parse_twilio_webhook_reads_form_fields() -> None:
    message = parse_twilio_webhook(
        {"MessageSid": "SM5", "From": "rcs:" + CUSTOMER, "Body": "hello", "NumMedia": "0"},
        channel_id="rcs",
    )
    assert (message.sender_id, message.provider_message_id) == (CUSTOMER, "SM5")
    assert message.metadata["from"] == "rcs:" + CUSTOMER


def test_config_keeps_the_token_secret() -> None:
    config = TwilioConfig(account_sid="AC1", auth_token="SUPERSECRET", from_number=OUR_NUMBER)
    assert "SUPERSECRET" not in repr(config)
    with pytest.raises(ValueError, match="from_number or messaging_service_sid"):
        TwilioConfig(account_sid="AC1", auth_token="x")


async def test_rcs_channel_receives_rcs_webhooks(twilio_fake: TwilioFake) -> None:
    kit = RoomKit()
    provider = TwilioRCSProvider(
        TwilioRCSConfig(
            account_sid=twilio_fake.account_sid,
            auth_token=twilio_fake.auth_token,
            messaging_service_sid="MGrcs",
            base_url=twilio_fake.base_url,
        )
    )
    kit.register_channel(RCSChannel("rcs", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "rcs")
    meta = twilio_fake.webhook(
        HOOK_URL,
        {"MessageSid": "RM1", "From": "rcs:" + CUSTOMER, "To": "rcs:brand", "Body": "yes"},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outcome = await kit.process_webhook(meta=meta, channel_id="rcs")
    assert outcome.event is not None and outcome.event.source.external_id == CUSTOMER
    await kit.close()


def test_signatures_over_the_url_with_its_port_and_repeated_fields_are_accepted() -> None:
    provider = TwilioSMSProvider(
        TwilioConfig(account_sid="AC1", auth_token="tok", from_number=OUR_NUMBER)
    )
    params = {"MessageSid": "SMp", "From": CUSTOMER, "Body": "port"}
    signed_with_port = RequestValidator("tok").compute_signature(
        "https://app.example.com:443/hook", params
    )
    request = WebhookRequest(
        url="https://app.example.com/hook",
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": signed_with_port,
        },
        body=urlencode(params).encode(),
    )
    provider.authenticate(request)  # the SDK's port variants, after the fast path missed
    assert provider.parse(request, "sms").messages[0].content == TextContent(body="port")

    pairs = [("MessageSid", "SMr"), ("From", CUSTOMER), ("Body", "b"), ("Tag", "x"), ("Tag", "a")]

    class Multi(dict):  # type: ignore[type-arg]
        def getall(self, key: str) -> list[str]:
            return [v for k, v in pairs if k == key]

    multi = Multi(pairs)
    signature = RequestValidator("tok").compute_signature("https://app.example.com/hook", multi)
    repeated = request.model_copy(
        update={
            "body": urlencode(pairs).encode(),
            "headers": {**request.headers, "x-twilio-signature": signature},
        }
    )
    provider.authenticate(repeated)


def test_form_reading_matches_parse_qsl() -> None:
    import random

    from roomkit_twilio.webhooks import _plain_form, form_pairs

    rng = random.Random(7)
    alphabet = "ab +%&=é中/?#\x00"
    for _ in range(300):
        fields = [
            (
                "".join(rng.choices(alphabet, k=rng.randrange(1, 6))),
                "".join(rng.choices(alphabet, k=rng.randrange(0, 8))),
            )
            for _ in range(rng.randrange(1, 5))
        ]
        body = urlencode(fields).encode()
        expected = parse_qsl(body.decode(), keep_blank_values=True)
        assert form_pairs(body) == expected
        if len({name for name, _ in expected}) == len(expected):
            assert _plain_form(body) in (None, dict(expected)), body
    for raw in (b"a=%E4%B8&b=%AD", b"x=%zz&y=%2", b"k=%00&v=1", b"p=a+b%2Bc&q=", b"=&=x"):
        assert form_pairs(raw) == parse_qsl(raw.decode(), keep_blank_values=True), raw
        if raw != b"=&=x":  # a repeated (empty) name
            assert _plain_form(raw) == dict(parse_qsl(raw.decode(), keep_blank_values=True))
    for spelled in (b"a=%26&b=1", b"a%3Db=1", b"a=1&a=2", b"=&=x", b"a=1&b", b"", b"\xff=1"):
        assert _plain_form(spelled) is None, spelled  # left to the strict reading
    for bad in (b"a=1&b", b"a=1&&b=2", b"novalue"):
        with pytest.raises(ValueError):
            form_pairs(bad)


async def test_long_text_through_a_room_is_split_not_truncated(twilio_fake: TwilioFake) -> None:
    kit = await kit_with_twilio(twilio_fake)
    await kit.update_binding_metadata("r", "sms-twilio", {"to": CUSTOMER})
    text = " ".join(f"w{i}" for i in range(1200))  # about 5,900 characters
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body=text)),
        room_id="r",
    )
    parts = [m.text for m in twilio_fake.messages]
    assert len(parts) == 4 and " ".join(parts) == text
    await kit.close()


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
@pytest.mark.parametrize("key", [b"", b"tok", b"k" * 64, b"long key " * 20])
def test_form_signer_is_hmac(key: bytes, algorithm: str) -> None:
    import hmac

    from roomkit_twilio.webhooks import FormSigner

    signer = FormSigner(key)
    for message in (b"", b"https://app.example.com/hookBodyhi", bytes(range(256)) * 3):
        assert signer.digest(message, algorithm) == hmac.digest(key, message, algorithm)
        assert signer.digest(message, algorithm) == hmac.digest(key, message, algorithm)
