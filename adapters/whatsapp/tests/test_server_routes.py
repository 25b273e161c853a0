"""roomkit-server in front of a WhatsAppChannel: the GET verification handshake answers with the
provider's verify_token, and signed POSTs reach the room while forged ones get 403."""

from __future__ import annotations

import httpx
import pytest

from roomkit import RoomKit, WebSocketChannel, WhatsAppChannel
from roomkit.domain.errors import WebhookSignatureError
from roomkit.providers.whatsapp.base import WhatsAppProvider, verify_subscription
from roomkit_fakes.whatsapp import WhatsAppFake
from roomkit_server import ServerConfig, create_app, serving


async def test_handshake_and_signed_posts_through_the_server(whatsapp_fake: WhatsAppFake) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    provider = WhatsAppProvider(
        whatsapp_fake.token,
        whatsapp_fake.phone_number_id,
        app_secret=whatsapp_fake.app_secret,
        verify_token=whatsapp_fake.verify_token,
        base_url=whatsapp_fake.base_url,
    )
    kit.register_channel(WhatsAppChannel("wa", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "wa")
    async with (
        serving(create_app(kit, ServerConfig(api_key="k" * 24))) as base_url,
        httpx.AsyncClient(base_url=base_url) as meta,
    ):
        query = whatsapp_fake.verification_query(challenge="1158201444")
        answer = await meta.get(f"/webhooks/wa?{query}")
        assert (answer.status_code, answer.text) == (200, "1158201444")
        wrong = whatsapp_fake.verification_query(token="guessed")
        assert (await meta.get(f"/webhooks/wa?{wrong}")).status_code == 403

        signed = whatsapp_fake.inbound_text(
            sender="+15550100199", text="hola", message_id="wamid.S"
        )
        posted = await meta.post("/webhooks/wa", content=signed["body"], headers=signed["headers"])
        assert posted.status_code == 200, posted.text
        forged = whatsapp_fake.inbound_text(
            sender="+15550100199", text="hola", message_id="wamid.X"
        )
        headers = {**forged["headers"], "X-Hub-Signature-256": "sha256=" + "0" * 64}
        refused = await meta.post("/webhooks/wa", content=forged["body"], headers=headers)
        assert refused.status_code == 403
    assert [e.provider_message_id for e in await kit.get_timeline("r")] == ["wamid.S"]
    await kit.close()


def test_verify_subscription_helper() -> None:
    fake = WhatsAppFake()
    url = f"https://app.example.com/webhooks/wa?{fake.verification_query(challenge='42')}"
    assert verify_subscription(url, fake.verify_token) == "42"
    provider = WhatsAppProvider("t", "p", verify_token=fake.verify_token)
    assert (
        provider.verify_subscription(
            {"hub.mode": "subscribe", "hub.challenge": "7", "hub.verify_token": fake.verify_token}
        )
        == "7"
    )
    with pytest.raises(WebhookSignatureError, match=r"hub\.mode must be 'subscribe'"):
        verify_subscription(
            {
                "hub.mode": "unsubscribe",
                "hub.verify_token": fake.verify_token,
                "hub.challenge": "1",
            },
            fake.verify_token,
        )
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_subscription(url.replace(fake.verify_token, "nope"), fake.verify_token)
    with pytest.raises(WebhookSignatureError, match="verify_token is not set"):
        WhatsAppProvider("t", "p").verify_subscription(url)
