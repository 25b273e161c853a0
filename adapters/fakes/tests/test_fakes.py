"""The fakes validate what they receive and answer from their script."""

from __future__ import annotations

import json

import aiohttp

from roomkit_fakes import AnthropicFake, OpenAIFake


async def post(url: str, body: dict, headers: dict[str, str]) -> tuple[int, str]:  # type: ignore[type-arg]
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as r,
    ):
        return r.status, await r.text()


ANTHROPIC = {"x-api-key": "k", "anthropic-version": "2023-06-01"}


async def test_anthropic_fake_refuses_what_the_api_refuses(anthropic_fake: AnthropicFake) -> None:
    url = f"{anthropic_fake.root_url}/v1/messages"
    good = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    assert (await post(url, good, ANTHROPIC))[0] == 200
    status, text = await post(url, good, {"anthropic-version": "2023-06-01"})
    assert status == 401 and "authentication_error" in text
    bad_roles = good | {
        "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    }
    status, text = await post(url, bad_roles, ANTHROPIC)
    assert status == 400 and "alternate" in text
    bad_tool = good | {"tools": [{"name": "t", "input_schema": {"type": "string"}}]}
    status, text = await post(url, bad_tool, ANTHROPIC)
    assert status == 400 and "input_schema" in text
    assert len(anthropic_fake.requests) == 4


async def test_anthropic_fake_streams_sse(anthropic_fake: AnthropicFake) -> None:
    anthropic_fake.reply_text("Hello there")
    body = {
        "model": "m",
        "max_tokens": 5,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    status, text = await post(f"{anthropic_fake.root_url}/v1/messages", body, ANTHROPIC)
    events = [
        line.removeprefix("event: ") for line in text.splitlines() if line.startswith("event:")
    ]
    assert status == 200 and events[0] == "message_start" and events[-1] == "message_stop"
    deltas = [
        json.loads(line[6:])["delta"]["text"]
        for line in text.splitlines()
        if line.startswith("data:") and "text_delta" in line
    ]
    assert "".join(deltas) == "Hello there"


async def test_openai_fake_json_stream_and_errors(openai_fake: OpenAIFake) -> None:
    url = f"{openai_fake.root_url}/v1/chat/completions"
    auth = {"Authorization": "Bearer k"}
    body = {"model": "gpt", "messages": [{"role": "user", "content": "hi"}]}
    openai_fake.reply_tool_call("f", {"a": 1}, "call_1")
    status, text = await post(url, body, auth)
    call = json.loads(text)["choices"][0]["message"]["tool_calls"][0]
    assert status == 200 and json.loads(call["function"]["arguments"]) == {"a": 1}
    openai_fake.reply_text("streamed")
    status, text = await post(url, body | {"stream": True}, auth)
    assert text.rstrip().endswith("data: [DONE]")
    openai_fake.reply_error(429)
    assert (await post(url, body, auth))[0] == 429
    assert (await post(url, body, {}))[0] == 401
    assert openai_fake.last.body["model"] == "gpt"
