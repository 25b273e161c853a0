"""Between RoomKit's AI vocabulary and the chat completions API."""

from __future__ import annotations

import json
from typing import Any

from roomkit.domain.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIResponse,
    AITextPart,
    AIToolCall,
    AIUsage,
)


def _user_content(message: AIMessage) -> str | list[dict[str, Any]]:
    if isinstance(message.content, str):
        return message.content
    parts: list[dict[str, Any]] = []
    for part in message.content:
        if isinstance(part, AITextPart):
            parts.append({"type": "text", "text": part.text})
        elif isinstance(part, AIImagePart):
            parts.append({"type": "image_url", "image_url": {"url": part.url}})
    return parts


def messages(context: AIContext) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if context.system_prompt:
        out.append({"role": "system", "content": context.system_prompt})
    for message in context.messages:
        if message.role == "system":
            out.append({"role": "system", "content": message.text})
        elif message.role == "user":
            out.append({"role": "user", "content": _user_content(message)})
        elif message.role == "assistant":
            entry: dict[str, Any] = {"role": "assistant", "content": message.text or None}
            if message.tool_calls:
                entry["tool_calls"] = [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                    }
                    for c in message.tool_calls
                ]
            out.append(entry)
        else:
            out += [
                {"role": "tool", "tool_call_id": r.tool_call_id, "content": r.result}
                for r in message.tool_results
            ]
    return out


def request(context: AIContext, model: str, max_tokens: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "messages": messages(context)}
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
    limit = context.max_tokens or max_tokens
    if limit:
        body["max_completion_tokens"] = limit
    if context.thinking_budget:
        body["reasoning_effort"] = "high" if context.thinking_budget >= 8192 else "medium"
    return body


def arguments(raw: str | None, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        raise ValueError(f"tool {name!r} arguments are not JSON: {raw!r}") from exc
    return value if isinstance(value, dict) else {"value": value}


def response(completion: Any) -> AIResponse:
    choice = completion.choices[0]
    message = choice.message
    calls = [
        AIToolCall(
            id=c.id,
            name=c.function.name,
            arguments=arguments(c.function.arguments, c.function.name),
        )
        for c in (message.tool_calls or [])
    ]
    usage = completion.usage
    return AIResponse(
        content=message.content or "",
        tool_calls=calls,
        finish_reason=choice.finish_reason,
        usage=AIUsage(
            input_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(usage, "completion_tokens", 0) or 0,
        ),
    )
