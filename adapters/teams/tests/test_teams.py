"""Microsoft Teams over the Bot Framework Connector API, against the loopback TeamsFake: tokens,
JWT-authenticated activities, conversation references that survive a restart, mentions,
reactions and cards."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from roomkit import (
    EditContent,
    InboundMessage,
    RichContent,
    RoomKit,
    TextContent,
    WebhookPayloadError,
    WebhookSignatureError,
    WebSocketChannel,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import SystemContent
from roomkit.domain.enums import EventType
from roomkit.domain.inbound import ADDRESS_DETAILS
from roomkit.domain.webhook import WebhookRequest
from roomkit.providers.teams.bot_framework import BotFrameworkTeamsProvider
from roomkit.providers.teams.config import TeamsConfig
from roomkit.providers.teams.webhook import is_bot_added, parse_teams_webhook
from roomkit.store.sqlite import SQLiteStore
from roomkit.transports import TeamsChannel
from roomkit_contracts import (
    MessageProviderContract,
    MessageProviderScenario,
    Received,
    WebhookParserContract,
    WebhookScenario,
)
from roomkit_fakes.teams import TeamsFake
from roomkit_teams import ConversationReference

FAST = RetryPolicy(max_retries=2, base_delay_seconds=0, max_delay_seconds=0)
ALICE = "29:user-alice"


def config_for(fake: TeamsFake, **extra: Any) -> TeamsConfig:
    settings: dict[str, Any] = {
        "app_id": fake.app_id,
        "app_password": fake.app_password,
        "login_url": fake.login_url,
        "openid_metadata_url": fake.openid_metadata_url,
        "retry": FAST,
    }
    return TeamsConfig(**{**settings, **extra})


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def event(content: Any, **metadata: Any) -> Any:
    base = MessageProviderContract.event("x")
    return base.model_copy(update={"content": content, "metadata": metadata})


# the contract suites ---------------------------------------------------------------------------
class TestTeamsContract(MessageProviderContract):
    @pytest_asyncio.fixture
    async def message_provider_scenario(
        self, teams_fake: TeamsFake
    ) -> AsyncIterator[MessageProviderScenario]:
        provider = BotFrameworkTeamsProvider(
            config_for(teams_fake, default_service_url=teams_fake.service_url)
        )
        yield MessageProviderScenario(
            provider=provider,
            recipient="a:conv-contract",
            received=lambda: [Received(m.to, m.text) for m in teams_fake.messages],
            refuse=lambda on: teams_fake.refuse_all(403 if on else None),
            throttle_once=lambda: teams_fake.throttle_next("0"),
        )
        await provider.close()


def signer(fake: TeamsFake, **mint: Any) -> Any:
    def sign(request: WebhookRequest) -> WebhookRequest:
        try:
            service_url = json.loads(request.body).get("serviceUrl")
        except (ValueError, AttributeError):
            service_url = None
        token = fake.mint(service_url or fake.service_url, **mint)
        return request.model_copy(
            update={"headers": {**request.headers, "authorization": f"Bearer {token}"}}
        )

    return sign


def unsigned(activity: dict[str, Any]) -> WebhookRequest:
    return WebhookRequest(
        url="https://bot.example.com/api/messages",
        headers={"content-type": "application/json"},
        body=json.dumps(activity).encode(),
    )


class TestTeamsWebhooks(WebhookParserContract):
    expected_failures = {
        "test_tampered_body_is_rejected": "Bot Framework signs a token, not the body: a "
        "changed text with a valid token passes (only the serviceUrl is tied to the token)"
    }

    @pytest_asyncio.fixture
    async def webhook_scenario(self, teams_fake: TeamsFake) -> AsyncIterator[WebhookScenario]:
        provider = BotFrameworkTeamsProvider(config_for(teams_fake))
        await provider.signing_keys.refresh()
        inbound = teams_fake.message("contracthello", activity_id="act-1")
        malformed = {k: v for k, v in inbound.items() if k != "from"}
        yield WebhookScenario(
            parser=provider,
            inbound=unsigned(inbound),
            sender_id=ALICE,
            text="contracthello",
            provider_message_id="act-1",
            sign=signer(teams_fake),
            sign_with_wrong_key=signer(teams_fake, key=teams_fake.stranger),
            sign_stale=signer(teams_fake, now=time.time() - 7200),
            malformed=unsigned(malformed),
        )
        await provider.close()


# inbound through the kit --------------------------------------------------------------------
@pytest_asyncio.fixture
async def kit(teams_fake: TeamsFake) -> AsyncIterator[RoomKit]:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(
        TeamsChannel("teams", provider=BotFrameworkTeamsProvider(config_for(teams_fake)))
    )
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "teams")
    yield kit
    await kit.close()


async def agent_says(kit: RoomKit, text: str, **metadata: Any) -> Any:
    result = await kit.process_inbound(
        InboundMessage(
            channel_id="ws", sender_id="agent", content=TextContent(body=text), metadata=metadata
        ),
        room_id="r",
    )
    assert result.event is not None
    return result.event


async def test_a_mention_is_stripped_and_the_reply_goes_to_the_conversation(
    kit: RoomKit, teams_fake: TeamsFake
) -> None:
    meta = teams_fake.activity_request(teams_fake.message("where is my order?", mention_bot=True))
    outcome = await kit.process_webhook(meta=meta, channel_id="teams")
    stored = outcome.event
    assert stored.content == TextContent(body="where is my order?")
    assert stored.metadata["bot_mentioned"] is True
    assert stored.source.external_id == ALICE
    assert outcome.results[0].event.type is EventType.MESSAGE
    [participant] = [p for p in await kit.store.list_participants("r") if p.channel_id == "teams"]
    kept = participant.metadata[ADDRESS_DETAILS]["teams"]["teams_reference"]
    assert kept["service_url"] == teams_fake.service_url
    assert kept["conversation_id"] == "a:conv-personal-1"

    sent = await agent_says(kit, "It ships today")
    [activity] = teams_fake.activities
    assert activity.conversation_id == "a:conv-personal-1"
    assert activity.activity["text"] == "It ships today"
    assert activity.activity["from"]["id"] == teams_fake.bot_id
    assert activity.activity["recipient"] == {"id": ALICE}
    request = teams_fake.raw[-1]
    assert request.path == "/amer/v3/conversations/a%3Aconv-personal-1/activities" or (
        request.path == "/amer/v3/conversations/a:conv-personal-1/activities"
    )
    assert request.headers["authorization"] == "Bearer bf-token-1"
    [token_request] = teams_fake.token_requests
    assert token_request == {
        "grant_type": "client_credentials",
        "client_id": teams_fake.app_id,
        "client_secret": teams_fake.app_password,
        "scope": "https://api.botframework.com/.default",
        "tenant": "botframework.com",
    }
    [result] = await kit.store.list_delivery_results("r", sent.id)
    assert result.provider_message_id == "1000" or result.provider_message_id.isdigit()


async def test_a_mention_of_someone_else_stays(kit: RoomKit, teams_fake: TeamsFake) -> None:
    activity = teams_fake.message("<at>Bob</at> can you help?")
    activity["entities"] = [
        {"type": "mention", "mentioned": {"id": "29:bob", "name": "Bob"}, "text": "<at>Bob</at>"}
    ]
    outcome = await kit.process_webhook(
        meta=teams_fake.activity_request(activity), channel_id="teams"
    )
    assert outcome.event.content.body == "<at>Bob</at> can you help?"
    assert outcome.event.metadata["bot_mentioned"] is False
    assert outcome.event.metadata["mentions"] == [
        {"id": "29:bob", "name": "Bob", "text": "<at>Bob</at>"}
    ]


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": "someone-else"}, "audience"),
        ({"iss": "https://sts.example.com"}, "issuer"),
        ({"serviceurl": "https://evil.example.com/"}, "serviceurl"),
        ({"exp": None}, "lacks a claim"),
    ],
)
async def test_bad_tokens_are_refused_and_nothing_is_stored(
    kit: RoomKit, teams_fake: TeamsFake, claims: dict[str, Any], problem: str
) -> None:
    meta = teams_fake.activity_request(teams_fake.message("hi"), claims=claims)
    with pytest.raises(WebhookSignatureError, match=problem):
        await kit.process_webhook(meta=meta, channel_id="teams")
    assert await kit.store.get_event_count("r") == 0
    assert [p for p in await kit.store.list_participants("r") if p.channel_id == "teams"] == []


async def test_forged_missing_and_garbled_tokens_are_refused(
    kit: RoomKit, teams_fake: TeamsFake
) -> None:
    activity = teams_fake.message("hi")
    forged = teams_fake.activity_request(activity, key=teams_fake.stranger)
    with pytest.raises(WebhookSignatureError, match="signature does not verify"):
        await kit.process_webhook(meta=forged, channel_id="teams")
    missing = teams_fake.activity_request(activity)
    del missing["headers"]["Authorization"]
    with pytest.raises(WebhookSignatureError, match="Bearer token is missing"):
        await kit.process_webhook(meta=missing, channel_id="teams")
    garbled = teams_fake.activity_request(activity, token="not.a.jwt")
    with pytest.raises(WebhookSignatureError, match="not a JWT"):
        await kit.process_webhook(meta=garbled, channel_id="teams")
    assert await kit.store.get_event_count("r") == 0


async def test_an_unknown_key_id_refreshes_the_keys_at_most_once_a_minute(
    teams_fake: TeamsFake,
) -> None:
    clock = Clock()
    kit = RoomKit()
    kit.register_channel(
        TeamsChannel("teams", provider=BotFrameworkTeamsProvider(config_for(teams_fake), now=clock))
    )
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "teams")
    for text in ("one", "two"):
        meta = teams_fake.activity_request(teams_fake.message(text))
        await kit.process_webhook(meta=meta, channel_id="teams")
    assert (teams_fake.metadata_requests, teams_fake.jwks_requests) == (1, 1)  # cached
    rotated = teams_fake.rotate_key()
    outcome = await kit.process_webhook(
        meta=teams_fake.activity_request(teams_fake.message("three"), key=rotated),
        channel_id="teams",
    )
    assert outcome.event.content.body == "three"
    assert teams_fake.jwks_requests == 2  # the new kid was fetched
    stranger = teams_fake.rotate_key("never-served")
    teams_fake.keys.remove(stranger)
    for text in ("four", "five"):
        meta = teams_fake.activity_request(teams_fake.message(text), key=stranger)
        with pytest.raises(WebhookSignatureError, match="'never-served' is not among"):
            await kit.process_webhook(meta=meta, channel_id="teams")
    assert teams_fake.jwks_requests == 2  # no refetch storm on junk key ids
    clock.now += 61
    with pytest.raises(WebhookSignatureError, match="'never-served' is not among"):
        await kit.process_webhook(meta=meta, channel_id="teams")
    assert teams_fake.jwks_requests == 3
    clock.now += 24 * 3600 + 1  # old keys are fetched again whatever the kid
    await kit.process_webhook(
        meta=teams_fake.activity_request(teams_fake.message("six"), key=rotated),
        channel_id="teams",
    )
    assert teams_fake.jwks_requests == 4
    assert await kit.store.get_event_count("r") == 4
    await kit.close()


async def test_reactions_become_reaction_events(kit: RoomKit, teams_fake: TeamsFake) -> None:
    meta = teams_fake.activity_request(teams_fake.reaction("1700000000999", added="heart"))
    outcome = await kit.process_webhook(meta=meta, channel_id="teams")
    stored = outcome.event
    assert stored.type is EventType.REACTION
    assert isinstance(stored.content, SystemContent) and stored.content.code == "reaction"
    assert stored.content.data["added"] == ["heart"]
    assert stored.content.data["target_provider_message_id"] == "1700000000999"
    assert stored.content.body == "\N{HEAVY BLACK HEART}\N{VARIATION SELECTOR-16}"
    removed = teams_fake.reaction("1700000000999", added=None, removed="like")
    again = await kit.process_webhook(meta=teams_fake.activity_request(removed), channel_id="teams")
    assert again.event.content.data["action"] == "removed"


async def test_outbound_mentions_cards_and_media(teams_fake: TeamsFake) -> None:
    provider = BotFrameworkTeamsProvider(
        config_for(teams_fake, default_service_url=teams_fake.service_url)
    )
    mention = event(TextContent(body="please check"), mentions=[{"id": ALICE, "name": "Alice"}])
    assert (await provider.send(mention, to="19:group@thread.v2")).success
    sent = teams_fake.activities[-1].activity
    assert sent["text"] == "<at>Alice</at> please check"
    assert sent["entities"] == [
        {"type": "mention", "mentioned": {"id": ALICE, "name": "Alice"}, "text": "<at>Alice</at>"}
    ]
    assert teams_fake.activities[-1].conversation_id == "19:group@thread.v2"
    card = RichContent(
        body="Your order",
        buttons=[{"title": "Track", "url": "https://shop.example.com/t/1"}],
        quick_replies=["Cancel"],
    )
    assert (await provider.send(event(card), to="a:conv-1")).success
    [attachment] = teams_fake.activities[-1].activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["body"][0]["text"] == "Your order"
    assert attachment["content"]["actions"] == [
        {"type": "Action.OpenUrl", "title": "Track", "url": "https://shop.example.com/t/1"},
        {"type": "Action.Submit", "title": "Cancel", "data": {"value": "Cancel"}},
    ]
    refused = await provider.send(event(TextContent(body="x")), to=ALICE)
    assert not refused.success and "no conversation reference" in (refused.error or "")
    await provider.close()


async def test_tokens_are_cached_until_shortly_before_expiry(teams_fake: TeamsFake) -> None:
    clock = Clock()
    provider = BotFrameworkTeamsProvider(
        config_for(teams_fake, default_service_url=teams_fake.service_url), now=clock
    )
    results = await asyncio.gather(
        *(provider.send(event(TextContent(body=t)), to=f"a:c{t}") for t in "abc")
    )
    assert all(r.success for r in results)
    assert len(teams_fake.token_requests) == 1  # one fetch for the three waiting sends
    clock.now += 3600 - 300 - 1  # still valid with the 5-minute margin
    assert (await provider.send(event(TextContent(body="d")), to="a:c")).success
    assert len(teams_fake.token_requests) == 1
    clock.now += 2
    assert (await provider.send(event(TextContent(body="e")), to="a:c")).success
    assert len(teams_fake.token_requests) == 2
    assert teams_fake.raw[-1].headers["authorization"] == "Bearer bf-token-2"
    teams_fake.revoke_tokens()  # the Connector refuses the cached token: renewed once
    assert (await provider.send(event(TextContent(body="f")), to="a:c")).success
    assert len(teams_fake.token_requests) == 3
    await provider.close()


async def test_wrong_credentials_are_a_clear_refusal(teams_fake: TeamsFake) -> None:
    provider = BotFrameworkTeamsProvider(
        config_for(teams_fake, default_service_url=teams_fake.service_url, app_password="wrong")
    )
    result = await provider.send(event(TextContent(body="x")), to="a:c")
    assert not result.success
    assert "no access token" in (result.error or "") and "AADSTS7000215" in (result.error or "")
    assert teams_fake.activities == []
    await provider.close()


async def test_throttling_server_errors_and_refusals(teams_fake: TeamsFake) -> None:
    provider = BotFrameworkTeamsProvider(
        config_for(teams_fake, default_service_url=teams_fake.service_url)
    )
    teams_fake.throttle_next("0").fail_next(503)
    assert (await provider.send(event(TextContent(body="x")), to="a:c")).success
    connector_calls = [r for r in teams_fake.raw if "/v3/" in r.path]
    assert len(connector_calls) == 3
    teams_fake.fail_next(403)
    refused = await provider.send(event(TextContent(body="y")), to="a:c")
    assert not refused.success
    assert refused.error == "teams answered HTTP 403: BotNotInConversationRoster: scripted HTTP 403"
    await provider.close()


async def test_a_slow_connector_times_out_as_a_refusal(teams_fake: TeamsFake) -> None:
    provider = BotFrameworkTeamsProvider(
        config_for(
            teams_fake,
            default_service_url=teams_fake.service_url,
            timeout=0.2,
            retry=RetryPolicy(max_retries=0),
        )
    )
    assert (await provider.send(event(TextContent(body="warm")), to="a:c")).success
    teams_fake.slow_next(1)
    result = await provider.send(event(TextContent(body="x")), to="a:c")
    assert not result.success and "unreachable" in (result.error or "")
    await provider.close()


async def test_one_group_conversation_gets_an_event_once(
    kit: RoomKit, teams_fake: TeamsFake
) -> None:
    for sender in ("29:ann", "29:ben"):
        activity = teams_fake.message(
            "hello",
            sender_id=sender,
            conversation_id="19:grp@thread.v2",
            conversation_type="groupChat",
        )
        await kit.process_webhook(meta=teams_fake.activity_request(activity), channel_id="teams")
    assert teams_fake.activities == []  # Ben's message is not echoed to the group Ann is in
    await agent_says(kit, "Hi both")
    assert [a.conversation_id for a in teams_fake.activities] == ["19:grp@thread.v2"]


async def test_bot_added_and_proactive_messages_after_a_restart(
    teams_fake: TeamsFake, tmp_path: Path
) -> None:
    path = str(tmp_path / "rooms.db")

    async def start() -> RoomKit:
        kit = RoomKit(store=SQLiteStore(path))
        kit.register_channel(WebSocketChannel("ws"))
        kit.register_channel(
            TeamsChannel("teams", provider=BotFrameworkTeamsProvider(config_for(teams_fake)))
        )
        return kit

    kit = await start()
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "teams")
    added = teams_fake.bot_added()
    assert is_bot_added(added) and is_bot_added(parse_teams_webhook(added))
    outcome = await kit.process_webhook(meta=teams_fake.activity_request(added), channel_id="teams")
    assert outcome.event.type is EventType.SYSTEM
    assert outcome.event.content.code == "bot_added"
    assert teams_fake.activities == []  # a SYSTEM event is stored, not answered
    await kit.close()

    kit = await start()  # a new process: nothing in memory, the store holds the reference
    await agent_says(kit, "Welcome! I can track orders.")
    [activity] = teams_fake.activities
    assert activity.conversation_id == "a:conv-personal-1"
    assert activity.text == "Welcome! I can track orders."
    await kit.close()


async def test_a_group_conversation_bound_to_a_room_without_any_message(
    teams_fake: TeamsFake,
) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(
        TeamsChannel("teams", provider=BotFrameworkTeamsProvider(config_for(teams_fake)))
    )
    reference = ConversationReference(
        service_url=teams_fake.service_url, conversation_id="19:ops@thread.tacv2"
    )
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "teams", metadata=reference.binding_metadata())
    await agent_says(kit, "Deploy finished")
    assert [(a.conversation_id, a.text) for a in teams_fake.activities] == [
        ("19:ops@thread.tacv2", "Deploy finished")
    ]
    await kit.close()


def test_parse_teams_webhook_reads_dicts_json_and_meta(teams_fake: TeamsFake) -> None:
    activity = teams_fake.message("hello there", mention_bot=True, activity_id="m-9")
    for given in (activity, json.dumps(activity), teams_fake.activity_request(activity)):
        read = parse_teams_webhook(given)
        assert (read.type, read.text, read.bot_mentioned) == ("message", "hello there", True)
        assert read.message is not None and read.message.provider_message_id == "m-9"
        assert read.reference is not None and read.reference.tenant_id == "tenant-1"
        assert not is_bot_added(read)
    typing = parse_teams_webhook(teams_fake.activity("typing"))
    assert typing.message is None
    with pytest.raises(WebhookPayloadError, match=r"from\.id"):
        parse_teams_webhook({**activity, "from": {}})
    with pytest.raises(WebhookPayloadError, match="neither text nor attachments"):
        parse_teams_webhook({**activity, "text": "", "entities": []})


def test_a_mention_keeps_the_message_lines(teams_fake: TeamsFake) -> None:
    activity = teams_fake.message("first line\nsecond  line", mention_bot=True)
    assert parse_teams_webhook(activity).text == "first line\nsecond line"


async def test_the_provider_is_registered_by_name(teams_fake: TeamsFake) -> None:
    kit = RoomKit()
    provider = kit.registry.create(
        "message_provider",
        "teams",
        {"app_id": teams_fake.app_id, "app_password": teams_fake.app_password},
    )
    assert isinstance(provider, BotFrameworkTeamsProvider)
    assert provider.config.token_url == (
        "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    )
    await provider.close()
    await kit.close()


def test_teams_files_and_card_submits(teams_fake: TeamsFake) -> None:
    activity = teams_fake.message("see file")
    activity["attachments"] = [
        {"contentType": "text/html", "content": "<p>see file</p>"},
        {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": "report.pdf",
            "content": {"downloadUrl": "https://files.example.com/r.pdf", "fileType": "pdf"},
        },
    ]
    message = parse_teams_webhook(activity).message
    assert message is not None
    parts = message.content.parts  # type: ignore[union-attr]
    assert parts[1].url == "https://files.example.com/r.pdf"
    assert parts[1].mime_type == "application/pdf" and parts[1].filename == "report.pdf"
    submit = teams_fake.message("")
    submit.update(text="", value={"choice": "yes"})
    read = parse_teams_webhook(submit)
    assert read.message is not None
    assert read.message.content == TextContent(body='{"choice": "yes"}')
    assert read.message.metadata["teams"]["value"] == {"choice": "yes"}


async def test_an_edit_reaches_teams_as_a_correction(kit: RoomKit, teams_fake: TeamsFake) -> None:
    """Teams activities are not edited in place here: an edit goes out as a new message that
    says it corrects the earlier one, never as an empty or garbled activity."""
    meta = teams_fake.activity_request(teams_fake.message("where is my order?"))
    await kit.process_webhook(meta=meta, channel_id="teams")
    sent = await agent_says(kit, "It ships today")
    await kit.process_inbound(
        InboundMessage(
            channel_id="ws",
            sender_id="agent",
            content=EditContent(
                target_event_id=sent.id, new_content=TextContent(body="It ships tomorrow")
            ),
        ),
        room_id="r",
    )
    texts = [a.activity["text"] for a in teams_fake.activities]
    assert texts == ["It ships today", "Correction: It ships tomorrow"]
