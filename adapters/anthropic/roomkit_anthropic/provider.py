"""AnthropicAIProvider: the AIProvider port on the official ``anthropic`` SDK."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from roomkit.domain.ai import AIContext, AIResponse, AIStreamItem, AITextDelta, AIToolCall, AIUsage
from roomkit.domain.errors import (
    AIAuthenticationError,
    AIProviderError,
    AIProviderUnavailableError,
    AIRateLimitError,
    AIRequestError,
    AIStreamError,
    AITimeoutError,
)
from roomkit.ports.ai import AIProvider, call_with_retries
from roomkit_anthropic.config import AnthropicConfig
from roomkit_anthropic.mapping import request, response

NAME = "anthropic"


class AnthropicAIProvider(AIProvider):
    supports_streaming = True
    supports_vision = True

    def __init__(self, config: AnthropicConfig, *, client: Any = None) -> None:
        self.config = config
        self._client = client

    @property
    def model_name(self) -> str:
        return self.config.model

    @property
    def client(self) -> Any:
        if self._client is None:
            from anthropic import AsyncAnthropic

            self._client = AsyncAnthropic(
                api_key=self.config.api_key.get_secret_value(),
                base_url=self.config.base_url,
                timeout=self.config.timeout,
                max_retries=0,  # retries follow self.config.retry, with clear errors at the end
            )
        return self._client

    def body(self, context: AIContext) -> dict[str, Any]:
        return request(context, self.config.model, self.config.max_tokens)

    def _create(self, body: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
        """``messages.create`` with the body's fields; those this SDK version has no argument
        for (``temperature`` in SDK 2.x) travel in ``extra_body`` unchanged."""
        create = self.client.messages.create
        known = _parameters(create)
        kwargs = {k: v for k, v in body.items() if k in known}
        extra = {k: v for k, v in body.items() if k not in known}
        if extra:
            kwargs["extra_body"] = extra
        return lambda: create(**kwargs)

    async def generate(self, context: AIContext) -> AIResponse:
        message = await self._with_retries(self._create(self.body(context)))
        return response(message)

    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        stream = await self._with_retries(self._create(self.body(context) | {"stream": True}))
        assembler = _StreamAssembler()
        try:
            async for event in stream:
                delta = assembler.feed(event)
                if delta:
                    yield AITextDelta(text=delta)
        except Exception as exc:
            raise _mapped(exc, streaming=True) from exc
        yield assembler.result()

    async def _with_retries(self, call: Callable[[], Awaitable[Any]]) -> Any:
        return await call_with_retries(call, self.config.retry, _mapped)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()


class _StreamAssembler:
    """Builds the final AIResponse from Messages API stream events."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.thinking: list[str] = []
        self.tools: dict[int, dict[str, Any]] = {}
        self.stop_reason: str | None = None
        self.input_tokens = 0
        self.output_tokens = 0
        self.stopped = False

    def feed(self, event: Any) -> str:
        kind = event.type
        if kind == "message_start":
            usage = event.message.usage
            self.input_tokens = usage.input_tokens or 0
        elif kind == "content_block_start" and event.content_block.type == "tool_use":
            block = event.content_block
            self.tools[event.index] = {"id": block.id, "name": block.name, "json": []}
        elif kind == "content_block_delta":
            delta = event.delta
            if delta.type == "text_delta":
                self.text.append(delta.text)
                return str(delta.text)
            if delta.type == "thinking_delta":
                self.thinking.append(delta.thinking)
            elif delta.type == "input_json_delta":
                self.tools[event.index]["json"].append(delta.partial_json)
        elif kind == "message_delta":
            self.stop_reason = event.delta.stop_reason
            self.output_tokens = event.usage.output_tokens or 0
        elif kind == "message_stop":
            self.stopped = True
        return ""

    def result(self) -> AIResponse:
        if not self.stopped:
            raise AIStreamError(NAME, "the stream ended before message_stop")
        calls = []
        for tool in self.tools.values():
            raw = "".join(tool["json"]) or "{}"
            try:
                arguments = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise AIStreamError(NAME, f"tool {tool['name']!r} arguments are not JSON") from exc
            calls.append(AIToolCall(id=tool["id"], name=tool["name"], arguments=arguments))
        return AIResponse(
            content="".join(self.text),
            tool_calls=calls,
            thinking="".join(self.thinking) or None,
            finish_reason=self.stop_reason,
            usage=AIUsage(input_tokens=self.input_tokens, output_tokens=self.output_tokens),
        )


_PARAMETERS: dict[Any, frozenset[str]] = {}


def _parameters(create: Any) -> frozenset[str]:
    func = getattr(create, "__func__", create)
    known = _PARAMETERS.get(func)
    if known is None:
        known = _PARAMETERS[func] = frozenset(inspect.signature(create).parameters)
    return known


def _mapped(exc: Exception, *, streaming: bool = False) -> AIProviderError:
    """The framework error for an SDK exception."""
    import anthropic

    if isinstance(exc, AIProviderError):
        return exc
    status = getattr(exc, "status_code", None)
    message = _message(exc)
    if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        return AIAuthenticationError(NAME, f"the API key was refused: {message}", status)
    if isinstance(exc, anthropic.RateLimitError):
        return AIRateLimitError(NAME, f"rate limited: {message}", status)
    if isinstance(exc, anthropic.APITimeoutError):
        return AITimeoutError(NAME, f"no answer within the timeout: {message}")
    if isinstance(exc, anthropic.APIStatusError) and (status or 0) >= 500:
        return AIProviderUnavailableError(NAME, f"server error: {message}", status)
    if isinstance(exc, anthropic.APIConnectionError):
        if streaming:
            return AIStreamError(NAME, f"the stream broke off: {message}")
        return AIProviderUnavailableError(NAME, f"cannot connect: {message}")
    if isinstance(exc, anthropic.APIStatusError):
        return AIRequestError(NAME, f"request refused: {message}", status)
    if streaming:
        return AIStreamError(NAME, f"the stream broke off: {exc!r}")
    return AIProviderError(NAME, repr(exc))


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(exc)
