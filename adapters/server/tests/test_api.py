"""The JSON API over real HTTP against uvicorn on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest

from roomkit_server import InsecureConfigError, ServerConfig, create_app

from .conftest import REFUSED_NUMBER, TOKEN, WebhookKit


async def test_health_answers_without_a_token_and_the_api_does_not(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as anonymous:
        assert (await anonymous.get("/healthz")).json() == {"status": "ok"}
        assert (await anonymous.get("/readyz")).json() == {"ready": True}
        refused = await anonymous.get("/api/rooms")
        assert refused.status_code == 401
        assert refused.json()["error"]["message"] == "missing bearer token"
        wrong = await anonymous.get("/api/rooms", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert wrong.json()["error"]["message"] == "wrong bearer token"
        assert (await anonymous.get("/api/openapi.json")).status_code == 401


def test_no_token_means_no_server_unless_insecure_dev(
    kit: WebhookKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ROOMKIT_API_KEY", raising=False)
    with pytest.raises(InsecureConfigError, match="--insecure-dev"):
        create_app(kit, ServerConfig())
    create_app(kit, ServerConfig(insecure_dev=True))
    monkeypatch.setenv("ROOMKIT_API_KEY", "from-env")
    create_app(kit, ServerConfig())


async def test_room_lifecycle_bindings_participants_and_timeline(
    client: httpx.AsyncClient,
) -> None:
    created = await client.post("/api/rooms", json={"room_id": "r1", "metadata": {"team": "a"}})
    assert created.status_code == 201
    assert created.json()["id"] == "r1"
    assert created.json()["metadata"] == {"team": "a"}
    again = await client.post("/api/rooms", json={"room_id": "r1"})
    assert again.status_code == 409
    assert (await client.get("/api/rooms/r1")).json()["status"] == "active"
    missing = await client.get("/api/rooms/nope")
    assert missing.status_code == 404
    assert "nope" in missing.json()["error"]["message"]

    attached = await client.post(
        "/api/rooms/r1/bindings", json={"channel_id": "ws", "metadata": {"x": 1}}
    )
    assert attached.status_code == 201, attached.text
    await client.post("/api/rooms/r1/bindings", json={"channel_id": "assistant"})
    bindings = (await client.get("/api/rooms/r1/bindings")).json()["bindings"]
    assert {b["channel_id"] for b in bindings} == {"ws", "assistant"}
    unknown = await client.post("/api/rooms/r1/bindings", json={"channel_id": "ghost"})
    assert unknown.status_code == 404

    person = await client.post(
        "/api/rooms/r1/participants",
        json={"id": "alice", "channel_id": "ws", "display_name": "Alice"},
    )
    assert person.status_code == 201
    people = (await client.get("/api/rooms/r1/participants")).json()["participants"]
    assert [p["display_name"] for p in people] == ["Alice"]

    sent = await client.post(
        "/api/rooms/r1/events",
        json={"channel_id": "ws", "text": "hello", "participant_id": "alice"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["content"]["body"] == "hello"

    page = (await client.get("/api/rooms/r1/events", params={"limit": 1})).json()
    assert page["total"] == 2  # the message and the AI's answer
    assert [e["content"]["body"] for e in page["events"]] == ["hello"]
    assert page["next_offset"] == 1
    rest = (await client.get("/api/rooms/r1/events", params={"offset": 1})).json()
    assert [e["content"]["body"] for e in rest["events"]] == ["Hi from AI"]
    assert rest["next_offset"] is None

    listed = (await client.get("/api/rooms")).json()["rooms"]
    assert [r["id"] for r in listed] == ["r1"]
    closed = await client.post("/api/rooms/r1/close")
    assert closed.json()["status"] == "closed"
    assert (await client.get("/api/rooms", params={"status": "active"})).json()["rooms"] == []
    detached = await client.delete("/api/rooms/r1/bindings/assistant")
    assert detached.status_code == 200


async def test_bad_input_is_named(client: httpx.AsyncClient) -> None:
    await client.post("/api/rooms", json={"room_id": "r2"})
    not_json = await client.post("/api/rooms", content=b"{nope")
    assert not_json.status_code == 400
    assert "not JSON" in not_json.json()["error"]["message"]
    extra = await client.post("/api/rooms", json={"room": "x"})
    assert extra.status_code == 422
    assert extra.json()["error"]["details"]["problems"][0]["field"] == "room"
    both = await client.post(
        "/api/rooms/r2/events",
        json={"channel_id": "ws", "text": "a", "content": {"type": "text", "body": "b"}},
    )
    assert both.status_code == 422
    assert "exactly one of text or content" in both.text
    bad_limit = await client.get("/api/rooms/r2/events", params={"limit": "many"})
    assert bad_limit.status_code == 400
    assert "'limit'" in bad_limit.json()["error"]["message"]
    bad_state = await client.get("/api/outbox", params={"state": "lost"})
    assert bad_state.status_code == 400
    assert "dead" in bad_state.json()["error"]["message"]


async def test_rich_content_and_inspector_view(client: httpx.AsyncClient) -> None:
    await client.post("/api/rooms", json={"room_id": "r3"})
    await client.post("/api/rooms/r3/bindings", json={"channel_id": "ws"})
    await client.post("/api/rooms/r3/bindings", json={"channel_id": "assistant"})
    await client.post(
        "/api/rooms/r3/bindings",
        json={
            "channel_id": "sms",
            "metadata": {"to": REFUSED_NUMBER},
            "retry_policy": {"max_retries": 0},
        },
    )
    sent = await client.post(
        "/api/rooms/r3/events",
        json={"channel_id": "ws", "content": {"type": "rich", "body": "**bold**"}},
    )
    assert sent.status_code == 201, sent.text
    view = (await client.get("/api/rooms/r3/inspect")).json()
    assert view["room"]["id"] == "r3"
    assert view["total"] == 2
    first = view["events"][0]
    assert first["event"]["content"]["type"] == "rich"
    # the in-memory store records failed deliveries (a durable store adds its outbox)
    assert [d["channel_id"] for d in first["deliveries"]] == ["sms"]
    assert first["deliveries"][0]["state"] == "failed"
    assert REFUSED_NUMBER in first["deliveries"][0]["error"]
    assert view["outbox_supported"] is False
    listed = (await client.get("/api/rooms/r3/deliveries")).json()["deliveries"]
    assert next((d["event_id"], d["channel_id"]) for d in listed) == (sent.json()["id"], "sms")
    assert view["conversation_state"]["phase"]
    assert view["dead_letters"] == []
    # how each binding receives it: the SMS channel gets the rich text as plain text
    as_delivered = {t["channel_id"]: t for t in first["transcoded"]}
    assert "ws" not in as_delivered  # the source
    assert as_delivered["sms"]["changed"] is True
    assert as_delivered["sms"]["content"]["type"] == "text"


async def test_outbox_is_reported_unsupported_on_the_memory_store(
    client: httpx.AsyncClient,
) -> None:
    outbox = (await client.get("/api/outbox")).json()
    assert outbox == {"entries": [], "supported": False}
    dead = (await client.get("/api/dead-letters")).json()
    assert dead == {"dead_letters": [], "supported": False}


async def test_openapi_describes_every_route(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()
    assert document["openapi"] == "3.1.0"
    assert "post" in document["paths"]["/api/rooms"]
    assert document["paths"]["/api/rooms"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in document["paths"]["/webhooks/{channel_id}"]["post"]
    schemas = document["components"]["schemas"]
    assert {"Room", "RoomEvent", "CreateRoom", "SendEvent", "OutboxEntry"} <= set(schemas)
    body_ref = document["paths"]["/api/rooms"]["post"]["requestBody"]["content"]
    assert body_ref["application/json"]["schema"]["$ref"] == "#/components/schemas/CreateRoom"


async def test_cors_is_closed_by_default(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/rooms", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in answer.headers
    assert TOKEN  # the request itself was authorised
    assert answer.status_code == 200


async def test_readiness_turns_503_while_draining(kit: WebhookKit) -> None:
    from roomkit_server import serving

    app = create_app(kit, ServerConfig(api_key=TOKEN))
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as anonymous:
        assert (await anonymous.get("/readyz")).json() == {"ready": True}
        app.state.server.draining = True  # what shutdown sets first
        draining = await anonymous.get("/readyz")
        assert draining.status_code == 503
        assert draining.json() == {"ready": False, "reason": "draining"}
        assert (await anonymous.get("/healthz")).status_code == 200


async def test_a_binding_gets_a_fallback_and_a_bad_one_is_refused(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/api/rooms", json={"room_id": "fb"})
    await client.post("/api/rooms/fb/bindings", json={"channel_id": "sms"})
    bad = await client.post(
        "/api/rooms/fb/bindings",
        json={"channel_id": "ws", "fallback": {"channel_id": "assistant"}},
    )
    assert bad.status_code == 400
    assert "'assistant' of 'ws' is not attached" in bad.json()["error"]["message"]
    good = await client.post(
        "/api/rooms/fb/bindings",
        json={"channel_id": "ws", "fallback": {"channel_id": "sms", "after": 30}},
    )
    assert good.status_code == 201, good.text
    listed = (await client.get("/api/rooms/fb/bindings")).json()["bindings"]
    [ws] = [b for b in listed if b["channel_id"] == "ws"]
    assert ws["fallback"] == {"channel_id": "sms", "after": 30.0, "on_failed": True}
