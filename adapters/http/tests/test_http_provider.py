"""WebhookHTTPProvider against a loopback endpoint: contract suites, signing, retries."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.signed_json import signature_headers
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.http.config import HTTPProviderConfig
from roomkit.providers.http.provider import WebhookHTTPProvider
from roomkit.transports import HTTPChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.http_endpoint import HTTPEndpointFake

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)


def provider_for(fake: HTTPEndpointFake, **extra: object) -> WebhookHTTPProvider:
    return WebhookHTTPProvider(
        HTTPProviderConfig(
            url="https://api.example.com/messages",
            headers={"Authorization": "Bearer t0k"},
            base_url=fake.base_url,
            retry=FAST,
            **extra,  # type: ignore[arg-type]
        )
    )


class TestWebhookHTTPProviderContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, http_endpoint_fake: HTTPEndpointFake
    ) -> AsyncIterator[MessageProviderScenario]:
        fake = http_endpoint_fake
        provider = provider_for(fake)
        yield MessageProviderScenario(
            provider=provider,
            recipient="customer-42",
            received=lambda: [Received(m.to, m.text) for m in fake.messages],
            refuse=lambda on: fake.refuse_all(422 if on else None),
            throttle_once=lambda: fake.throttle_next("0"),
        )
        await provider.close()


def json_request(payload: dict[str, object]) -> WebhookRequest:
    return WebhookRequest(
        url="https://hooks.example.com/roomkit",
        headers={"content-type": "application/json"},
        body=json.dumps(payload).encode(),
    )


def signer(key: str, timestamp: int | None = None) -> Callable[[WebhookRequest], WebhookRequest]:
    def sign(r: WebhookRequest) -> WebhookRequest:
        extra = {k.lower(): v for k, v in signature_headers(key, r.body, timestamp).items()}
        return r.model_copy(update={"headers": {**r.headers, **extra}})

    return sign


class TestWebhookHTTPProviderWebhooks(WebhookParserContract):
    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        provider = WebhookHTTPProvider(
            HTTPProviderConfig(url="https://api.example.com/m", webhook_secret="hook-secret")
        )
        return WebhookScenario(
            parser=provider,
            inbound=json_request({"id": "ext-1", "from": "customer-42", "text": "contracthello"}),
            sender_id="customer-42",
            text="contracthello",
            provider_message_id="ext-1",
            sign=signer("hook-secret"),
            sign_with_wrong_key=signer("not-the-secret"),
            sign_stale=signer("hook-secret", timestamp=1_000_000_000),
            malformed=json_request({"id": "ext-2", "text": "no sender"}),
            status_report=json_request(
                {"type": "status", "message_id": "msg-1", "status": "delivered"}
            ),
            status_message_id="msg-1",
        )


async def test_request_carries_headers_json_and_a_signature(
    http_endpoint_fake: HTTPEndpointFake,
) -> None:
    http_endpoint_fake.secret = "out-secret"
    provider = provider_for(http_endpoint_fake, secret="out-secret")
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(HTTPChannel("webhook", provider=provider))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "webhook", metadata={"to": "crm-7"})
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="agent", content=TextContent(body="Hello CRM")),
        room_id="r",
    )
    [raw] = http_endpoint_fake.raw
    assert raw.path == "/messages"
    assert raw.headers["authorization"] == "Bearer t0k"
    body = raw.json()
    assert (body["to"], body["text"], body["room_id"]) == ("crm-7", "Hello CRM", "r")
    assert body["content"] == {"type": "text", "body": "Hello CRM", "language": None}
    [sent] = [r for r in await kit.store.list_delivery_results("r") if r.channel_id == "webhook"]
    assert sent.provider_message_id == "msg-1"
    await kit.close()


async def test_server_errors_are_retried_then_reported(
    http_endpoint_fake: HTTPEndpointFake,
) -> None:
    provider = provider_for(http_endpoint_fake)
    http_endpoint_fake.fail_next(503).fail_next(503).fail_next(503)
    result = await provider.send(TestWebhookHTTPProviderContract.event("x"), to="a")
    assert not result.success and "HTTP 503" in (result.error or "")
    assert len(http_endpoint_fake.raw) == 3  # the first try and FAST's two retries
    await provider.close()


async def test_a_long_retry_after_is_not_waited_for(http_endpoint_fake: HTTPEndpointFake) -> None:
    provider = provider_for(http_endpoint_fake)
    http_endpoint_fake.throttle_next("3600")
    result = await provider.send(TestWebhookHTTPProviderContract.event("x"), to="a")
    assert not result.success and "HTTP 429" in (result.error or "")
    assert len(http_endpoint_fake.raw) == 1
    await provider.close()


async def test_unreachable_endpoint_is_a_refusal_naming_the_vendor() -> None:
    provider = WebhookHTTPProvider(
        HTTPProviderConfig(url="http://127.0.0.1:9/x", retry=RetryPolicy(max_retries=0))
    )
    result = await provider.send(TestWebhookHTTPProviderContract.event("x"), to="a")
    assert not result.success and (result.error or "").startswith("http unreachable")
    await provider.close()


def test_config_hides_headers_and_secrets() -> None:
    config = HTTPProviderConfig(
        url="https://x.example/m", headers={"Authorization": "Bearer SECRET-TOKEN"}, secret="k"
    )
    assert "SECRET-TOKEN" not in repr(config) and "'k'" not in repr(config)
