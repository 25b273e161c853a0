"""OpenAI-family AIProviders on the official ``openai`` SDK: OpenAI, Azure OpenAI, vLLM."""

from __future__ import annotations

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
from roomkit_openai.config import AzureAIConfig, OpenAIConfig, VLLMConfig
from roomkit_openai.mapping import arguments, request, response


class OpenAIAIProvider(AIProvider):
    supports_streaming = True
    supports_vision = True
    name = "openai"

    def __init__(self, config: OpenAIConfig | VLLMConfig, *, client: Any = None) -> None:
        self.config = config
        self._client = client

    @property
    def model_name(self) -> str:
        return self.config.model

    def _make_client(self) -> Any:
        from openai import AsyncOpenAI

        return AsyncOpenAI(
            api_key=self.config.api_key.get_secret_value(),
            base_url=self.config.base_url,
            timeout=self.config.timeout,
            max_retries=0,  # retries follow self.config.retry, with clear errors at the end
        )

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    def body(self, context: AIContext) -> dict[str, Any]:
        return request(context, self.model_name, self.config.max_tokens)

    async def generate(self, context: AIContext) -> AIResponse:
        body = self.body(context)
        completion = await self._with_retries(lambda: self.client.chat.completions.create(**body))
        try:
            return response(completion)
        except ValueError as exc:
            raise AIProviderError(self.name, str(exc)) from exc

    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        body = self.body(context) | {"stream": True, "stream_options": {"include_usage": True}}
        stream = await self._with_retries(lambda: self.client.chat.completions.create(**body))
        assembler = _StreamAssembler(self.name)
        try:
            async for chunk in stream:
                delta = assembler.feed(chunk)
                if delta:
                    yield AITextDelta(text=delta)
        except AIProviderError:
            raise
        except Exception as exc:
            raise _mapped(self.name, exc, streaming=True) from exc
        yield assembler.result()

    async def _with_retries(self, call: Callable[[], Awaitable[Any]]) -> Any:
        return await call_with_retries(call, self.config.retry, lambda e: _mapped(self.name, e))

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()


class AzureAIProvider(OpenAIAIProvider):
    """Azure OpenAI: the same API at a deployment of your resource."""

    name = "azure-openai"

    def __init__(self, config: AzureAIConfig, *, client: Any = None) -> None:
        self.azure = config
        self.config = config  # type: ignore[assignment]
        self._client = client

    @property
    def model_name(self) -> str:
        return self.azure.deployment

    def _make_client(self) -> Any:
        from openai import AsyncAzureOpenAI

        config = self.azure
        return AsyncAzureOpenAI(
            api_key=config.api_key.get_secret_value(),
            azure_endpoint=config.azure_endpoint,
            azure_deployment=config.deployment,
            api_version=config.api_version,
            timeout=config.timeout,
            max_retries=0,
        )


def create_vllm_provider(config: VLLMConfig, *, client: Any = None) -> OpenAIAIProvider:
    """A provider for any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio)."""
    provider = OpenAIAIProvider(config, client=client)
    provider.name = "vllm"
    return provider


class _StreamAssembler:
    """Builds the final AIResponse from chat completion chunks, tool-call fragments included."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.text: list[str] = []
        self.tools: dict[int, dict[str, Any]] = {}
        self.finish_reason: str | None = None
        self.usage = AIUsage()

    def feed(self, chunk: Any) -> str:
        if getattr(chunk, "usage", None):
            self.usage = AIUsage(
                input_tokens=chunk.usage.prompt_tokens or 0,
                output_tokens=chunk.usage.completion_tokens or 0,
            )
        out = ""
        for choice in chunk.choices or []:
            delta = choice.delta
            if delta.content:
                self.text.append(delta.content)
                out += delta.content
            for call in delta.tool_calls or []:
                entry = self.tools.setdefault(call.index, {"id": None, "name": None, "args": []})
                if call.id:
                    entry["id"] = call.id
                if call.function and call.function.name:
                    entry["name"] = call.function.name
                if call.function and call.function.arguments:
                    entry["args"].append(call.function.arguments)
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
        return out

    def result(self) -> AIResponse:
        if self.finish_reason is None:
            raise AIStreamError(self.name, "the stream ended without a finish_reason")
        calls = []
        for index in sorted(self.tools):
            tool = self.tools[index]
            try:
                parsed = arguments("".join(tool["args"]), tool["name"])
            except ValueError as exc:
                raise AIStreamError(self.name, str(exc)) from exc
            calls.append(
                AIToolCall(id=tool["id"] or f"call_{index}", name=tool["name"], arguments=parsed)
            )
        return AIResponse(
            content="".join(self.text),
            tool_calls=calls,
            finish_reason=self.finish_reason,
            usage=self.usage,
        )


def _mapped(name: str, exc: Exception, *, streaming: bool = False) -> AIProviderError:
    import openai

    if isinstance(exc, AIProviderError):
        return exc
    status = getattr(exc, "status_code", None)
    message = _message(exc)
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AIAuthenticationError(name, f"the API key was refused: {message}", status)
    if isinstance(exc, openai.RateLimitError):
        return AIRateLimitError(name, f"rate limited: {message}", status)
    if isinstance(exc, openai.APITimeoutError):
        return AITimeoutError(name, f"no answer within the timeout: {message}")
    if isinstance(exc, openai.APIStatusError) and (status or 0) >= 500:
        return AIProviderUnavailableError(name, f"server error: {message}", status)
    if isinstance(exc, openai.APIConnectionError):
        if streaming:
            return AIStreamError(name, f"the stream broke off: {message}")
        return AIProviderUnavailableError(name, f"cannot connect: {message}")
    if isinstance(exc, openai.APIStatusError):
        return AIRequestError(name, f"request refused: {message}", status)
    if streaming:
        return AIStreamError(name, f"the stream broke off: {exc!r}")
    return AIProviderError(name, repr(exc))


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(exc)
