"""Telegram over httpx against the loopback Bot API fake; the secret-token webhook header."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from roomkit import (
    InboundMessage,
    MediaContent,
    RoomKit,
    TelegramChannel,
    TextContent,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    DeleteContent,
    EditContent,
    LocationContent,
    RichContent,
)
from roomkit.domain.errors import WebhookPayloadError
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.telegram.bot import TelegramBotProvider, parse_telegram_webhook
from roomkit.providers.telegram.config import TelegramConfig
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.telegram import TelegramFake
from roomkit_telegram import markdown_to_html

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
CHAT = "777000111"


def config_for(fake: TelegramFake, **options: object) -> TelegramConfig:
    return TelegramConfig(
        bot_token=fake.bot_token,
        base_url=fake.base_url,
        secret_token=fake.secret_token,
        **{"retry": FAST, **options},  # type: ignore[arg-type]
    )


def provider_for(fake: TelegramFake, **options: object) -> TelegramBotProvider:
    return TelegramBotProvider(config_for(fake, **options))


class TestTelegramContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, telegram_fake: TelegramFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = provider_for(telegram_fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient=CHAT,
            received=lambda: [Received(m.to, m.text) for m in telegram_fake.messages],
            refuse=lambda on: telegram_fake.refuse_all(400 if on else None),
            throttle_once=lambda: telegram_fake.throttle_next("0"),
        )
        await provider.close()


def with_secret(secret: str) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        headers = {**r.headers, "x-telegram-bot-api-secret-token": secret}
        return r.model_copy(update={"headers": headers})

    return sign


def update_request(update: dict[str, object]) -> WebhookRequest:
    return WebhookRequest(
        url="https://app.example.com/webhooks/telegram",
        headers={"content-type": "application/json"},
        body=json.dumps(update).encode(),
    )


class TestTelegramWebhooks(WebhookParserContract):
    expected_failures = {
        "test_tampered_body_is_rejected": (
            "Telegram signs nothing: the secret token header proves the sender, not the body"
        ),
    }

    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = TelegramBotProvider(TelegramConfig(bot_token="1:t", secret_token="s3cret"))
        chat = {"id": 4242, "type": "private"}
        return WebhookScenario(
            parser=provider,
            inbound=update_request(
                {
                    "update_id": 1,
                    "message": {
                        "message_id": 7,
                        "date": 1,
                        "chat": chat,
                        "from": {"id": 4242, "is_bot": False, "first_name": "A"},
                        "text": "contracthello",
                    },
                }
            ),
            sender_id="4242",
            text="contracthello",
            provider_message_id="4242:7",
            sign=with_secret("s3cret"),
            sign_with_wrong_key=with_secret("other"),
            malformed=update_request(
                {"update_id": 2, "message": {"message_id": 8, "date": 1, "chat": chat, "text": "x"}}
            ),
        )


def event(content: object, event_id: str | None = None) -> RoomEvent:
    base = MessageProviderContract.event("x")
    return base.model_copy(update={"content": content, "id": event_id or base.id})


async def test_send_message_body_and_token_path(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake, parse_mode="HTML", disable_link_previews=True)
    result = await provider.send(event(TextContent(body="<b>Hi</b>")), to=CHAT)
    assert result.success and result.provider_message_id == f"{CHAT}:1"
    [raw] = telegram_fake.raw
    assert raw.path == f"/bot{telegram_fake.bot_token}/sendMessage"
    assert raw.json() == {
        "chat_id": CHAT,
        "text": "<b>Hi</b>",
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    await provider.close()


async def test_long_text_split_or_refused(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake)
    result = await provider.send(event(TextContent(body="word " * 2000)), to=CHAT)
    assert result.success and len(result.metadata["provider_message_ids"]) == 3
    assert all(len(m.text) <= 4096 for m in telegram_fake.messages)
    strict = provider_for(telegram_fake, split_long_text=False)
    assert not strict.splits_long_text
    refused = await strict.send(event(TextContent(body="x" * 5000)), to=CHAT)
    assert not refused.success and "over Telegram's 4096" in (refused.error or "")
    assert len(telegram_fake.raw) == 3
    channel = TelegramChannel("telegram", provider=provider)
    assert channel.capabilities().max_length is None  # the provider splits
    await provider.close()
    await strict.close()


async def test_rich_content_inline_keyboard_and_markdown(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake)
    rich = RichContent(
        body="**Pick** a _slot_ for `order-7` <now>",
        buttons=[
            {"text": "Morning", "payload": "SLOT_AM"},
            {"text": "Calendar", "url": "https://example.com/cal"},
        ],
        quick_replies=["Later", "Never"],
    )
    assert (await provider.send(event(rich), to=CHAT)).success
    assert telegram_fake.raw[-1].json() == {
        "chat_id": CHAT,
        "text": "<b>Pick</b> a <i>slot</i> for <code>order-7</code> &lt;now&gt;",
        "parse_mode": "HTML",
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Morning", "callback_data": "SLOT_AM"}],
                [{"text": "Calendar", "url": "https://example.com/cal"}],
                [
                    {"text": "Later", "callback_data": "Later"},
                    {"text": "Never", "callback_data": "Never"},
                ],
            ]
        },
    }
    too_long = RichContent(body="x", buttons=[{"text": "y", "payload": "p" * 65}])
    refused = await provider.send(event(too_long), to=CHAT)
    assert not refused.success and "1-64 bytes" in (refused.error or "")
    await provider.close()


def test_markdown_conversion_escapes_and_keeps_code() -> None:
    assert markdown_to_html("a < b & **c**") == "a &lt; b &amp; <b>c</b>"
    assert markdown_to_html("```\nx = *y*\n```") == "<pre>x = *y*\n</pre>"
    assert markdown_to_html("[docs](https://x.io/a?b=1&c=2)") == (
        '<a href="https://x.io/a?b=1&amp;c=2">docs</a>'
    )
    assert markdown_to_html("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4"


async def test_media_methods_and_captions(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake)
    photo = CompositeContent(
        parts=[
            TextContent(body="Your parcel"),
            MediaContent(url="https://cdn.example.com/p.jpg", mime_type="image/jpeg"),
        ]
    )
    assert (await provider.send(event(photo), to=CHAT)).success
    assert telegram_fake.raw[-1].path.endswith("/sendPhoto")
    assert telegram_fake.raw[-1].json() == {
        "chat_id": CHAT,
        "photo": "https://cdn.example.com/p.jpg",
        "caption": "Your parcel",
    }
    sends = [
        (MediaContent(url="https://x.io/a.pdf", mime_type="application/pdf"), "sendDocument"),
        (AudioContent(url="https://x.io/a.mp3", mime_type="audio/mpeg"), "sendAudio"),
        (AudioContent(url="https://x.io/v.ogg"), "sendVoice"),
        (MediaContent(url="telegram-file:AgACAgQ", mime_type="image/jpeg"), "sendPhoto"),
        (LocationContent(latitude=45.5, longitude=-73.6), "sendLocation"),
        (
            LocationContent(latitude=45.5, longitude=-73.6, label="HQ", address="1 Main"),
            "sendVenue",
        ),
    ]
    for content, method in sends:
        assert (await provider.send(event(content), to=CHAT)).success, method
        assert telegram_fake.raw[-1].path.endswith(f"/{method}")
    assert telegram_fake.messages[-3].media == ("AgACAgQ",)  # a file id is sent as is
    long_caption = CompositeContent(
        parts=[
            TextContent(body="c" * 1500),
            MediaContent(url="https://x.io/b.png", mime_type="image/png"),
        ]
    )
    result = await provider.send(event(long_caption), to=CHAT)
    assert result.success and len(result.metadata["provider_message_ids"]) == 2
    assert [r.path.rsplit("/", 1)[1] for r in telegram_fake.raw[-2:]] == [
        "sendMessage",
        "sendPhoto",
    ]
    await provider.close()


async def test_edit_and_delete_what_was_sent(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake)
    sent = await provider.send(event(TextContent(body="Meet at 3"), "ev-1"), to=CHAT)
    assert sent.success
    edit = EditContent(target_event_id="ev-1", new_content=TextContent(body="Meet at 4"))
    edited = await provider.send(event(edit), to=CHAT)
    assert edited.success and edited.provider_message_id == sent.provider_message_id
    assert telegram_fake.raw[-1].json() == {"chat_id": CHAT, "message_id": 1, "text": "Meet at 4"}
    assert telegram_fake.edits == [(CHAT, 1, "Meet at 4")]
    unknown = EditContent(target_event_id="ev-never", new_content=TextContent(body="x"))
    refused = await provider.send(event(unknown), to=CHAT)
    assert not refused.success and "did not send it" in (refused.error or "")
    same = await provider.send(event(edit), to=CHAT)
    assert not same.success and "message is not modified" in (same.error or "")
    deleted = await provider.send(event(DeleteContent(target_event_id="ev-1")), to=CHAT)
    assert deleted.success and telegram_fake.deleted == [(CHAT, 1)]
    await provider.close()


async def test_throttling_reads_retry_after_from_the_body(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake)
    telegram_fake.throttle_next("0")
    assert (await provider.send(event(TextContent(body="after 429")), to=CHAT)).success
    assert "retry-after" not in telegram_fake.raw[0].headers
    # a retry_after over the cap is not waited for: the send fails and delivery retries later
    telegram_fake.throttle_next("3600")
    late = await provider.send(event(TextContent(body="later")), to=CHAT)
    assert late.error == "telegram answered HTTP 429: Too Many Requests: retry after 3600"
    telegram_fake.fail_next(403)
    blocked = await provider.send(event(TextContent(body="x")), to=CHAT)
    assert blocked.error == "telegram answered HTTP 403: Forbidden: bot was blocked by the user"
    await provider.close()


async def test_errors_never_show_the_token(telegram_fake: TelegramFake) -> None:
    provider = TelegramBotProvider(
        TelegramConfig(bot_token=telegram_fake.bot_token, base_url="http://127.0.0.1:9", retry=FAST)
    )
    result = await provider.send(event(TextContent(body="x")), to=CHAT)
    assert not result.success and "unreachable" in (result.error or "")
    assert telegram_fake.bot_token not in (result.error or "")
    assert telegram_fake.bot_token not in repr(provider.config)
    wrong = TelegramBotProvider(
        TelegramConfig(bot_token="1:wrong", base_url=telegram_fake.base_url, retry=FAST)
    )
    unauthorized = await wrong.send(event(TextContent(body="x")), to=CHAT)
    assert unauthorized.error == "telegram answered HTTP 401: Unauthorized"
    await provider.close()
    await wrong.close()


def test_config_refuses_bad_tokens() -> None:
    with pytest.raises(ValueError, match="bot_token must look like"):
        TelegramConfig(bot_token="no-colon")
    with pytest.raises(ValueError, match="secret_token must be"):
        TelegramConfig(bot_token="1:a", secret_token="has space")


async def room(fake: TelegramFake) -> tuple[RoomKit, TelegramBotProvider]:
    kit = RoomKit()
    provider = provider_for(fake)
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(TelegramChannel("telegram", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "telegram")
    return kit, provider


async def test_webhooks_through_the_kit(telegram_fake: TelegramFake) -> None:
    kit, provider = await room(telegram_fake)
    update = telegram_fake.text_update(chat_id=int(CHAT), text="Where is my parcel?")
    request = telegram_fake.webhook_request(update)
    outcome = await kit.process_webhook(meta=request, channel_id="telegram")
    assert outcome.event is not None and outcome.event.source.external_id == CHAT
    again = await kit.process_webhook(meta=request, channel_id="telegram")
    assert again.result is not None and again.result.duplicate

    for bad, reason in (
        (telegram_fake.webhook_request(update, secret="guess"), "does not match"),
        (telegram_fake.webhook_request(update, secret=""), "missing"),
    ):
        with pytest.raises(WebhookSignatureError, match=reason):
            await kit.process_webhook(meta=bad, channel_id="telegram")
    assert len(await kit.store.list_events("r")) == 1

    reply = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Today")),
        room_id="r",
    )
    assert reply.event is not None
    assert telegram_fake.messages[-1].to == CHAT and telegram_fake.messages[-1].text == "Today"

    pressed = telegram_fake.callback_update(chat_id=int(CHAT), data="SLOT_AM", query_id="q1")
    tapped = await kit.process_webhook(
        meta=telegram_fake.webhook_request(pressed), channel_id="telegram"
    )
    assert tapped.event.content == TextContent(body="SLOT_AM")
    assert tapped.event.metadata["callback_query_id"] == "q1"
    await provider.answer_callback_query("q1")
    assert telegram_fake.callback_answers == [{"callback_query_id": "q1"}]

    first_id = update["message"]["message_id"]  # type: ignore[index]
    edit = telegram_fake.edited_update(chat_id=int(CHAT), message_id=first_id, text="Where is it?")
    edited = await kit.process_webhook(
        meta=telegram_fake.webhook_request(edit), channel_id="telegram"
    )
    assert isinstance(edited.event.content, EditContent)
    assert edited.event.content.target_event_id == f"{CHAT}:{first_id}"
    await kit.close()


async def test_unconfigured_secret_refuses_webhooks(telegram_fake: TelegramFake) -> None:
    provider = TelegramBotProvider(TelegramConfig(bot_token=telegram_fake.bot_token))
    request = WebhookRequest.from_meta(
        telegram_fake.webhook_request(telegram_fake.text_update(chat_id=1, text="x"))
    )
    with pytest.raises(WebhookSignatureError, match="secret_token is not set"):
        provider.authenticate(request)
    await provider.close()


async def test_set_webhook_sends_the_secret(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake)
    await provider.set_webhook("https://app.example.com/webhooks/telegram")
    assert telegram_fake.webhook == {
        "url": "https://app.example.com/webhooks/telegram",
        "secret_token": telegram_fake.secret_token,
    }
    await provider.delete_webhook()
    assert telegram_fake.webhook is None
    await provider.close()


def test_parse_telegram_webhook_media_and_ignored_updates() -> None:
    fake = TelegramFake()
    [photo] = parse_telegram_webhook(fake.photo_update(chat_id=5, file_id="AgAD", caption="look"))
    assert photo.content == MediaContent(
        url="telegram-file:AgAD", mime_type="image/jpeg", size_bytes=123456, caption="look"
    )
    voice = fake.update(
        message={
            "message_id": 3,
            "date": 1,
            "chat": {"id": -100, "type": "group"},
            "from": {"id": 9, "is_bot": False, "first_name": "B"},
            "voice": {"file_id": "AwAC", "file_unique_id": "u", "duration": 4},
        }
    )
    [spoken] = parse_telegram_webhook(voice, channel_id="tg")
    assert (spoken.channel_id, spoken.sender_id) == ("tg", "9")
    assert spoken.metadata["chat_id"] == "-100"
    assert spoken.content == AudioContent(
        url="telegram-file:AwAC", mime_type="audio/ogg", duration_seconds=4
    )
    joined = fake.update(
        message={
            "message_id": 4,
            "date": 1,
            "chat": {"id": -100, "type": "group"},
            "from": {"id": 9, "is_bot": False, "first_name": "B"},
            "new_chat_members": [{"id": 10, "is_bot": False, "first_name": "C"}],
        }
    )
    assert parse_telegram_webhook(joined) == []
    assert parse_telegram_webhook(fake.update(my_chat_member={"chat": {"id": 1}})) == []
    with pytest.raises(WebhookPayloadError, match="update_id"):
        parse_telegram_webhook({"message": {}})


async def test_files_chat_actions_and_html_the_api_refuses(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake)
    telegram_fake.files["AgAD"] = "photos/file_7.jpg"
    assert await provider.file_path("AgAD") == "photos/file_7.jpg"
    await provider.send_chat_action(CHAT)
    assert telegram_fake.chat_actions == [(CHAT, "typing")]
    broken = RichContent(body="<div>not Telegram HTML</div>", format="html")
    refused = await provider.send(event(broken), to=CHAT)
    assert refused.error == (
        "telegram answered HTTP 400: Bad Request: can't parse entities: "
        'unsupported start tag "div"'
    )
    await provider.close()


async def test_a_slow_bot_api_is_a_refusal_without_the_token(telegram_fake: TelegramFake) -> None:
    provider = provider_for(telegram_fake, timeout=0.2, retry=RetryPolicy(max_retries=0))
    telegram_fake.slow_next(2.0)
    result = await provider.send(event(TextContent(body="slow")), to=CHAT)
    assert not result.success and "unreachable" in (result.error or "")
    assert telegram_fake.bot_token not in (result.error or "")
    await provider.close()


async def test_httpx_request_logs_hide_the_token(
    telegram_fake: TelegramFake, caplog: pytest.LogCaptureFixture
) -> None:
    provider = provider_for(telegram_fake)
    with caplog.at_level("INFO", logger="httpx"):
        assert (await provider.send(event(TextContent(body="x")), to=CHAT)).success
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines and all(telegram_fake.bot_token not in line for line in lines)
    assert "/bot<bot-token>/sendMessage" in lines[0]
    await provider.close()
