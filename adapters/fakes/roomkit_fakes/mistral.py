"""A fake of the Mistral chat completions API (the OpenAI shape, with Mistral's field set)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from roomkit_fakes.openai import OpenAIFake

MISTRAL_FIELDS = frozenset(
    {
        "model",
        "messages",
        "temperature",
        "top_p",
        "max_tokens",
        "stream",
        "stop",
        "random_seed",
        "response_format",
        "tools",
        "tool_choice",
        "safe_prompt",
        "presence_penalty",
        "frequency_penalty",
        "n",
        "parallel_tool_calls",
        "prediction",
    }
)


class MistralFake(OpenAIFake):
    """Like the real API, refuses fields Mistral does not know (``max_completion_tokens``,
    ``stream_options``...). Its ``base_url`` is the root, like the Mistral adapter's."""

    sdk_path = ""

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/chat/completions", self.completions)]

    def validate(self, request: web.Request, body: dict[str, Any]) -> None:
        unknown = sorted(set(body) - MISTRAL_FIELDS)
        self.require(not unknown, f"extra fields not permitted: {unknown}")
        super().validate(request, body)
