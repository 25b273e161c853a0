"""Fuzzed webhooks for every vendor: random bytes, truncated bodies, wrong content types and
megabyte payloads, unsigned and correctly signed. process_webhook raises a WebhookError for each
(never anything else) and the room stays empty."""

from __future__ import annotations

import base64
import random
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from twilio.request_validator import RequestValidator

from roomkit import RoomKit, SMSChannel, WebhookError
from roomkit.domain.signed_json import signature_headers
from roomkit.ports.webhooks import WebhookParser
from roomkit.providers.elasticemail.config import ElasticEmailConfig
from roomkit.providers.elasticemail.email import ElasticEmailProvider
from roomkit.providers.http.config import HTTPProviderConfig
from roomkit.providers.http.provider import WebhookHTTPProvider
from roomkit.providers.messenger.config import MessengerConfig
from roomkit.providers.messenger.facebook import FacebookMessengerProvider
from roomkit.providers.sendgrid.config import SendGridConfig
from roomkit.providers.sendgrid.email import SendGridEmailProvider
from roomkit.providers.sinch.config import SinchConfig
from roomkit.providers.sinch.sms import SinchSMSProvider
from roomkit.providers.telegram.bot import TelegramBotProvider
from roomkit.providers.telegram.config import TelegramConfig
from roomkit.providers.telnyx.config import TelnyxConfig
from roomkit.providers.telnyx.sms import TelnyxSMSProvider
from roomkit.providers.twilio.config import TwilioConfig
from roomkit.providers.twilio.sms import TwilioSMSProvider
from roomkit.providers.voicemeup.config import VoiceMeUpConfig
from roomkit.providers.voicemeup.sms import VoiceMeUpSMSProvider
from roomkit.providers.whatsapp.base import WhatsAppProvider
from roomkit_fakes.sendgrid import SendGridFake
from roomkit_fakes.telnyx import TelnyxFake
from roomkit_messenger import messenger_signature
from roomkit_sinch import sinch_signature
from roomkit_whatsapp import hub_signature

URL = "https://app.example.com/hooks/x?tenant=1"
Signer = Callable[[bytes, str], dict[str, Any]]

TELNYX = TelnyxFake()
SENDGRID = SendGridFake()


def _meta(
    body: bytes, content_type: str, headers: dict[str, str], url: str = URL
) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": url,
        "headers": {"Content-Type": content_type, **headers},
        "body": body,
    }


def twilio_sign(body: bytes, content_type: str) -> dict[str, Any]:
    params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    signature = RequestValidator("tok").compute_signature(URL, params)
    return _meta(body, content_type, {"X-Twilio-Signature": signature})


def telnyx_sign(body: bytes, content_type: str) -> dict[str, Any]:
    stamp = str(int(time.time()))
    signature = base64.b64encode(TELNYX._private.sign(stamp.encode() + b"|" + body)).decode()
    return _meta(
        body, content_type, {"telnyx-signature-ed25519": signature, "telnyx-timestamp": stamp}
    )


def sinch_sign(body: bytes, content_type: str) -> dict[str, Any]:
    nonce, stamp = secrets.token_hex(4), str(int(time.time()))
    return _meta(
        body,
        content_type,
        {
            "x-sinch-webhook-signature": sinch_signature("hmac", body, nonce, stamp),
            "x-sinch-webhook-signature-nonce": nonce,
            "x-sinch-webhook-signature-timestamp": stamp,
        },
    )


def sendgrid_sign(body: bytes, content_type: str) -> dict[str, Any]:
    stamp = str(int(time.time()))
    signature = SENDGRID._private.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return _meta(
        body,
        content_type,
        {
            "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": stamp,
        },
        url=URL + "&token=tok",
    )


def hub_sign(body: bytes, content_type: str) -> dict[str, Any]:
    return _meta(body, content_type, {"X-Hub-Signature-256": hub_signature("app", body)})


def json_sign(body: bytes, content_type: str) -> dict[str, Any]:
    return _meta(body, content_type, signature_headers("sec", body))


def token_sign(body: bytes, content_type: str) -> dict[str, Any]:
    return _meta(body, content_type, {}, url=URL + "&token=tok")


def messenger_sign(body: bytes, content_type: str) -> dict[str, Any]:
    return _meta(body, content_type, {"X-Hub-Signature-256": messenger_signature("app", body)})


def telegram_sign(body: bytes, content_type: str) -> dict[str, Any]:
    return _meta(body, content_type, {"X-Telegram-Bot-Api-Secret-Token": "tok"})


#: Vendors that authenticate the sender by a shared token and sign nothing of the body.
TOKEN_ONLY = (token_sign, telegram_sign)


VENDORS: dict[str, tuple[Callable[[], WebhookParser], Signer, bytes]] = {
    "twilio": (
        lambda: TwilioSMSProvider(
            TwilioConfig(account_sid="AC1", auth_token="tok", from_number="+15550000000")
        ),
        twilio_sign,
        b"MessageSid=SM1&From=%2B15145550142&To=%2B15145550100&Body=hello&NumMedia=0",
    ),
    "telnyx": (
        lambda: TelnyxSMSProvider(
            TelnyxConfig(api_key="k", from_number="+15550000000", public_key=TELNYX.public_key)
        ),
        telnyx_sign,
        b'{"data": {"event_type": "message.received", "payload": {"id": "x1", "from": '
        b'{"phone_number": "+15145550142"}, "text": "hello"}}}',
    ),
    "sinch": (
        lambda: SinchSMSProvider(
            SinchConfig(service_plan_id="p", api_token="t", from_number="+1", webhook_secret="hmac")
        ),
        sinch_sign,
        b'{"type": "mo_text", "id": "s1", "from": "15145550142", "body": "hello"}',
    ),
    "sendgrid": (
        lambda: SendGridEmailProvider(
            SendGridConfig(
                api_key="k",
                from_email="s@example.com",
                event_webhook_public_key=SENDGRID.verification_key,
                inbound_token="tok",
            )
        ),
        sendgrid_sign,
        b'[{"event": "bounce", "sg_message_id": "abc.1", "email": "a@example.org"}]',
    ),
    "whatsapp": (
        lambda: WhatsAppProvider("tok", "PN1", app_secret="app"),
        hub_sign,
        b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", '
        b'"value": {"messages": [{"from": "15145550142", "id": "wamid.1", "type": "text", '
        b'"text": {"body": "hello"}}]}}]}]}',
    ),
    "http": (
        lambda: WebhookHTTPProvider(
            HTTPProviderConfig(url="https://x.example/m", webhook_secret="sec")
        ),
        json_sign,
        b'{"id": "h1", "from": "crm-7", "text": "hello"}',
    ),
    "voicemeup": (
        lambda: VoiceMeUpSMSProvider(
            VoiceMeUpConfig(username="u", auth_token="t", from_number="+1", webhook_token="tok")
        ),
        token_sign,
        b"sms_hash=v1&source_number=15145550142&destination_number=15145550100&message=hello",
    ),
    "elasticemail": (
        lambda: ElasticEmailProvider(
            ElasticEmailConfig(api_key="k", from_email="s@example.com", webhook_token="tok")
        ),
        token_sign,
        b'{"from": "a@example.org", "text": "hello", "messageid": "e1"}',
    ),
    "messenger": (
        lambda: FacebookMessengerProvider(MessengerConfig(page_access_token="t", app_secret="app")),
        messenger_sign,
        b'{"object": "page", "entry": [{"id": "1", "messaging": [{"sender": {"id": "42"}, '
        b'"recipient": {"id": "1"}, "message": {"mid": "m1", "text": "hello"}}]}]}',
    ),
    "telegram": (
        lambda: TelegramBotProvider(TelegramConfig(bot_token="1:t", secret_token="tok")),
        telegram_sign,
        b'{"update_id": 1, "message": {"message_id": 1, "chat": {"id": 42}, '
        b'"from": {"id": 42}, "text": "hello"}}',
    ),
}

CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=zzz",
    "text/plain",
    "application/xml",
    "",
]


def garbage(rng: random.Random, sample: bytes) -> list[bytes]:
    cut = rng.randrange(1, len(sample))
    flipped = bytearray(sample)
    flipped[rng.randrange(len(flipped))] ^= 0xFF
    return [
        b"",
        rng.randbytes(rng.randrange(1, 300)),
        sample[:cut],
        bytes(flipped),
        b"\x00" * 64,
        b"{" * 2000,
        b'{"data": null}',
        b"[]",
        b"null",
        b"a=%zz&b",
        sample.replace(b"hello", b"\xed\xa0\x80"),
        b"--zzz\r\nContent-Disposition: form-data\r\n\r\n",
    ]


@pytest.mark.parametrize("vendor", list(VENDORS))
async def test_fuzzed_webhooks_raise_webhook_errors_and_store_nothing(vendor: str) -> None:
    make, sign, sample = VENDORS[vendor]
    rng = random.Random(f"roomkit-{vendor}")
    provider = make()
    kit = RoomKit()
    kit.register_channel(SMSChannel("ch", provider=provider))  # type: ignore[arg-type]
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ch")
    cases = 0
    accepted: set[str] = set()
    for _ in range(10):
        for body in garbage(rng, sample):
            content_type = rng.choice(CONTENT_TYPES)
            signed = sign(body, content_type)
            unsigned = {**signed, "headers": {"Content-Type": content_type}, "url": URL}
            # a body swapped after signing: only vendors that sign their bodies can notice
            # (Elastic Email and VoiceMeUp authenticate by a URL token only, Telegram by a header)
            swapped = sign not in TOKEN_ONLY and body != sample
            tampered = {**signed, "body": sample} if swapped else None
            for meta in (signed, unsigned, tampered):
                if meta is None:
                    continue
                cases += 1
                try:
                    outcome = await kit.process_webhook(meta=meta, channel_id="ch")
                except WebhookError:
                    continue
                # only an authentic request (signed over exactly this body) is ever accepted,
                # and then only as a well-formed vendor message (a truncated form can be one)
                assert meta is signed, (vendor, body[:80])
                accepted.update(r.event.id for r in outcome.results if r.event and not r.duplicate)
    assert cases > 200
    assert {e.id for e in await kit.get_timeline("r", limit=1000)} == accepted
    megabyte = rng.randbytes(1024 * 1024)
    for meta in (sign(megabyte, "application/json"), sign(megabyte, "multipart/form-data")):
        with pytest.raises(WebhookError):
            await kit.process_webhook(meta=meta, channel_id="ch")
    oversized = sign(b"x" * (6 * 1024 * 1024), "application/json")
    with pytest.raises(WebhookError, match="exceeds"):
        await kit.process_webhook(meta=oversized, channel_id="ch")
    await kit.close()
