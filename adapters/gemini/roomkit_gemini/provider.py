"""GeminiAIProvider: the AIProvider port on the ``google-genai`` SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

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
from roomkit.ports.ai import AIProvider, call_with_retries
from roomkit_gemini.config import GeminiConfig

NAME = "gemini"


def _parts(message: AIMessage) -> list[Any]:
    from google.genai import types

    if message.role == "tool":
        return [
            types.Part(
                function_response=types.FunctionResponse(name=r.name, response={"result": r.result})
            )
            for r in message.tool_results
        ]
    parts: list[Any] = []
    if isinstance(message.content, str):
        if message.content:
            parts.append(types.Part(text=message.content))
    else:
        for part in message.content:
            if isinstance(part, AITextPart):
                parts.append(types.Part(text=part.text))
            elif isinstance(part, AIImagePart):
                parts.append(
                    types.Part(
                        file_data=types.FileData(mime_type=part.mime_type, file_uri=part.url)
                    )
                )
    parts += [
        types.Part(function_call=types.FunctionCall(name=c.name, args=c.arguments))
        for c in message.tool_calls
    ]
    return parts


def contents(context: AIContext) -> tuple[list[Any], str | None]:
    """Gemini ``contents`` (roles ``user``/``model``, same-role turns merged) and the system
    instruction."""
    from google.genai import types

    system = [context.system_prompt] if context.system_prompt else []
    out: list[Any] = []
    for message in context.messages:
        if message.role == "system":
            system.append(message.text)
            continue
        role = "model" if message.role == "assistant" else "user"
        parts = _parts(message)
        if not parts:
            continue
        if out and out[-1].role == role:
            out[-1].parts.extend(parts)
        else:
            out.append(types.Content(role=role, parts=parts))
    return out, ("\n\n".join(s for s in system if s) or None)


def config(context: AIContext, settings: GeminiConfig) -> dict[str, Any]:
    _, system = contents(context)
    result: dict[str, Any] = {}
    if system:
        result["system_instruction"] = system
    if context.temperature is not None:
        result["temperature"] = context.temperature
    if context.max_tokens or settings.max_tokens:
        result["max_output_tokens"] = context.max_tokens or settings.max_tokens
    if context.tools:
        result["tools"] = [
            {
                "function_declarations": [
                    {
                        "name": t.name,
                        "description": t.description,
                        "parameters_json_schema": t.parameters,
                    }
                    for t in context.tools
                ]
            }
        ]
        result["automatic_function_calling"] = {"disable": True}
    if context.thinking_budget:
        result["thinking_config"] = {
            "thinking_budget": context.thinking_budget,
            "include_thoughts": True,
        }
    return result


class _Assembler:
    def __init__(self) -> None:
        self.text: list[str] = []
        self.thinking: list[str] = []
        self.calls: list[AIToolCall] = []
        self.finish: str | None = None
        self.usage = AIUsage()

    def feed(self, chunk: Any) -> str:
        delta = ""
        for candidate in chunk.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                if part.function_call is not None:
                    call = part.function_call
                    self.calls.append(
                        AIToolCall(
                            id=call.id or f"call_{len(self.calls)}",
                            name=call.name or "",
                            arguments=dict(call.args or {}),
                        )
                    )
                elif part.text:
                    if part.thought:
                        self.thinking.append(part.text)
                    else:
                        self.text.append(part.text)
                        delta += part.text
            if candidate.finish_reason:
                self.finish = str(
                    getattr(candidate.finish_reason, "value", candidate.finish_reason)
                )
        meta = chunk.usage_metadata
        if meta is not None:
            self.usage = AIUsage(
                input_tokens=meta.prompt_token_count or 0,
                output_tokens=meta.candidates_token_count or 0,
            )
        return delta

    def result(self) -> AIResponse:
        return AIResponse(
            content="".join(self.text),
            tool_calls=self.calls,
            thinking="".join(self.thinking) or None,
            finish_reason=self.finish,
            usage=self.usage,
        )


class GeminiAIProvider(AIProvider):
    supports_streaming = True
    supports_vision = True

    def __init__(self, config: GeminiConfig, *, client: Any = None) -> None:
        self.config = config
        self._client = client

    @property
    def model_name(self) -> str:
        return self.config.model

    @property
    def client(self) -> Any:
        if self._client is None:
            from google import genai
            from google.genai import types

            options = types.HttpOptions(
                api_version=self.config.api_version,
                timeout=int(self.config.timeout * 1000),
                **({"base_url": self.config.base_url} if self.config.base_url else {}),
            )
            self._client = genai.Client(
                api_key=self.config.api_key.get_secret_value(), http_options=options
            )
        return self._client

    def request(self, context: AIContext) -> dict[str, Any]:
        turns, _ = contents(context)
        return {
            "model": self.config.model,
            "contents": turns,
            "config": config(context, self.config),
        }

    async def generate(self, context: AIContext) -> AIResponse:
        kwargs = self.request(context)
        answer = await self._with_retries(lambda: self.client.aio.models.generate_content(**kwargs))
        assembler = _Assembler()
        assembler.feed(answer)
        return assembler.result()

    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        kwargs = self.request(context)
        stream = await self._with_retries(
            lambda: self.client.aio.models.generate_content_stream(**kwargs)
        )
        assembler = _Assembler()
        try:
            async for chunk in stream:
                delta = assembler.feed(chunk)
                if delta:
                    yield AITextDelta(text=delta)
        except Exception as exc:
            raise _mapped(exc, streaming=True) from exc
        if assembler.finish is None:
            raise AIStreamError(NAME, "the stream ended without a finish reason")
        yield assembler.result()

    async def _with_retries(self, call: Callable[[], Awaitable[Any]]) -> Any:
        return await call_with_retries(call, self.config.retry, _mapped)

    async def close(self) -> None:
        if self._client is not None:
            close = getattr(self._client.aio, "aclose", None)
            if close is not None:
                await close()


def _mapped(exc: Exception, *, streaming: bool = False) -> AIProviderError:
    from google.genai import errors

    if isinstance(exc, AIProviderError):
        return exc
    if isinstance(exc, errors.APIError):
        status = exc.code
        message = exc.message or str(exc)
        if status in (401, 403):
            return AIAuthenticationError(NAME, f"the API key was refused: {message}", status)
        if status == 429:
            return AIRateLimitError(NAME, f"rate limited: {message}", status)
        if status >= 500:
            return AIProviderUnavailableError(NAME, f"server error: {message}", status)
        return AIRequestError(NAME, f"request refused: {message}", status)
    if "timeout" in type(exc).__name__.lower():
        return AITimeoutError(NAME, f"no answer within the timeout: {exc!r}")
    if streaming:
        return AIStreamError(NAME, f"the stream broke off: {exc!r}")
    return AIProviderUnavailableError(NAME, f"cannot reach the API: {exc!r}")
