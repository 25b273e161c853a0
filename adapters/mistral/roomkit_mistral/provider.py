"""MistralAIProvider: the AIProvider port over ``POST /v1/chat/completions`` with httpx."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from roomkit.domain.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIResponse,
    AIStreamItem,
    AITextDelta,
    AITextPart,
    AIToolCall,
    AIUsage,
)
from roomkit.domain.errors import (
    AIAuthenticationError,
    AIProviderError,
    AIProviderUnavailableError,
    AIRateLimitError,
    AIRequestError,
    AIStreamError,
    AITimeoutError,
)
from roomkit.ports.ai import AIProvider
from roomkit_mistral.config import MistralConfig

NAME = "mistral"
RETRIED = (AIRateLimitError, AIProviderUnavailableError)


def _content(message: AIMessage) -> str | list[dict[str, Any]]:
    if isinstance(message.content, str):
        return message.content
    parts: list[dict[str, Any]] = []
    for part in message.content:
        if isinstance(part, AITextPart):
            parts.append({"type": "text", "text": part.text})
        elif isinstance(part, AIImagePart):
            parts.append({"type": "image_url", "image_url": part.url})
    return parts


def request(context: AIContext, config: MistralConfig) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if context.system_prompt:
        messages.append({"role": "system", "content": context.system_prompt})
    for message in context.messages:
        if message.role in ("system", "user"):
            messages.append({"role": message.role, "content": _content(message)})
        elif message.role == "assistant":
            entry: dict[str, Any] = {"role": "assistant", "content": message.text}
            if message.tool_calls:
                entry["tool_calls"] = [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                    }
                    for c in message.tool_calls
                ]
            messages.append(entry)
        else:
            messages += [
                {
                    "role": "tool",
                    "tool_call_id": r.tool_call_id,
                    "name": r.name,
                    "content": r.result,
                }
                for r in message.tool_results
            ]
    body: dict[str, Any] = {"model": config.model, "messages": messages}
    if context.tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters,
                },
            }
            for t in context.tools
        ]
    if context.temperature is not None:
        body["temperature"] = context.temperature
    if context.max_tokens or config.max_tokens:
        body["max_tokens"] = context.max_tokens or config.max_tokens
    return body


def _arguments(raw: Any, name: str) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        raise AIStreamError(NAME, f"tool {name!r} arguments are not JSON: {raw!r}") from exc
    return value if isinstance(value, dict) else {"value": value}


class MistralAIProvider(AIProvider):
    supports_streaming = True
    supports_vision = True

    def __init__(self, config: MistralConfig, *, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._client = client

    @property
    def model_name(self) -> str:
        return self.config.model

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.config.base_url,
                timeout=self.config.timeout,
                headers={"Authorization": f"Bearer {self.config.api_key.get_secret_value()}"},
            )
        return self._client

    async def generate(self, context: AIContext) -> AIResponse:
        body = request(context, self.config)
        data = (await self._post(body)).json()
        choice = data["choices"][0]
        message = choice["message"]
        calls = [
            AIToolCall(
                id=c["id"],
                name=c["function"]["name"],
                arguments=_arguments(c["function"]["arguments"], c["function"]["name"]),
            )
            for c in message.get("tool_calls") or []
        ]
        usage = data.get("usage") or {}
        return AIResponse(
            content=message.get("content") or "",
            tool_calls=calls,
            finish_reason=choice.get("finish_reason"),
            usage=AIUsage(
                input_tokens=usage.get("prompt_tokens", 0),
                output_tokens=usage.get("completion_tokens", 0),
            ),
        )

    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        body = request(context, self.config) | {"stream": True}
        text: list[str] = []
        tools: dict[int, dict[str, Any]] = {}
        finish: str | None = None
        usage = AIUsage()
        done = False
        try:
            async with self.client.stream("POST", "/v1/chat/completions", json=body) as resp:
                if resp.status_code != 200:
                    await resp.aread()
                    raise _status_error(resp)
                async for line in resp.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        done = True
                        break
                    chunk = json.loads(payload)
                    if chunk.get("usage"):
                        usage = AIUsage(
                            input_tokens=chunk["usage"].get("prompt_tokens", 0),
                            output_tokens=chunk["usage"].get("completion_tokens", 0),
                        )
                    for choice in chunk.get("choices", []):
                        delta = choice.get("delta") or {}
                        if delta.get("content"):
                            text.append(delta["content"])
                            yield AITextDelta(text=delta["content"])
                        for i, call in enumerate(delta.get("tool_calls") or []):
                            entry = tools.setdefault(
                                call.get("index", i), {"id": None, "name": None, "args": []}
                            )
                            entry["id"] = call.get("id") or entry["id"]
                            function = call.get("function") or {}
                            entry["name"] = function.get("name") or entry["name"]
                            arguments = function.get("arguments")
                            if arguments:
                                entry["args"].append(
                                    arguments
                                    if isinstance(arguments, str)
                                    else json.dumps(arguments)
                                )
                        finish = choice.get("finish_reason") or finish
        except AIProviderError:
            raise
        except httpx.TimeoutException as exc:
            raise AITimeoutError(NAME, "no answer within the timeout") from exc
        except (httpx.HTTPError, json.JSONDecodeError) as exc:
            raise AIStreamError(NAME, f"the stream broke off: {exc!r}") from exc
        if not done or finish is None:
            raise AIStreamError(NAME, "the stream ended before [DONE]")
        calls = [
            AIToolCall(
                id=t["id"] or f"call_{i}",
                name=t["name"],
                arguments=_arguments("".join(t["args"]), t["name"]),
            )
            for i, t in sorted(tools.items())
        ]
        yield AIResponse(content="".join(text), tool_calls=calls, finish_reason=finish, usage=usage)

    async def _post(self, body: dict[str, Any]) -> httpx.Response:
        policy = self.config.retry
        attempt = 0
        while True:
            try:
                resp = await self.client.post("/v1/chat/completions", json=body)
            except httpx.TimeoutException as exc:
                raise AITimeoutError(NAME, "no answer within the timeout") from exc
            except httpx.HTTPError as exc:
                error: AIProviderError = AIProviderUnavailableError(NAME, f"cannot connect: {exc}")
            else:
                if resp.status_code == 200:
                    return resp
                error = _status_error(resp)
            if not isinstance(error, RETRIED) or attempt >= policy.max_retries:
                raise error
            await asyncio.sleep(policy.delay_for(attempt))
            attempt += 1

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def _status_error(resp: httpx.Response) -> AIProviderError:
    status = resp.status_code
    try:
        payload = resp.json()
        message = (payload.get("error") or {}).get("message") or payload.get("message") or resp.text
    except (json.JSONDecodeError, AttributeError):
        message = resp.text
    if status in (401, 403):
        return AIAuthenticationError(NAME, f"the API key was refused: {message}", status)
    if status == 429:
        return AIRateLimitError(NAME, f"rate limited: {message}", status)
    if status >= 500:
        return AIProviderUnavailableError(NAME, f"server error: {message}", status)
    return AIRequestError(NAME, f"request refused: {message}", status)
