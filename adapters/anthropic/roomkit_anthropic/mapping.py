"""Between RoomKit's AI vocabulary and the Anthropic Messages API."""

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

MIN_THINKING_BUDGET = 1024


def _user_blocks(message: AIMessage) -> list[dict[str, Any]]:
    if isinstance(message.content, str):
        return [{"type": "text", "text": message.content}] if message.content else []
    blocks: list[dict[str, Any]] = []
    for part in message.content:
        if isinstance(part, AITextPart):
            blocks.append({"type": "text", "text": part.text})
        elif isinstance(part, AIImagePart):
            blocks.append({"type": "image", "source": {"type": "url", "url": part.url}})
    return blocks


def _assistant_blocks(message: AIMessage) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "text", "text": message.text}] if message.text else []
    blocks += [
        {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
        for call in message.tool_calls
    ]
    return blocks


def _tool_blocks(message: AIMessage) -> list[dict[str, Any]]:
    return [
        {
            "type": "tool_result",
            "tool_use_id": result.tool_call_id,
            "content": result.result,
            "is_error": result.is_error,
        }
        for result in message.tool_results
    ]


def messages_and_system(context: AIContext) -> tuple[list[dict[str, Any]], str | None]:
    """Anthropic's ``messages`` (alternating, starting with ``user``) and ``system``.

    System messages join the system prompt; consecutive same-role turns are merged; tool results
    travel in a ``user`` turn; assistant turns before the first user turn are folded into the
    system prompt, since the API requires the conversation to start with the user.
    """
    system = [context.system_prompt] if context.system_prompt else []
    turns: list[dict[str, Any]] = []
    for message in context.messages:
        if message.role == "system":
            system.append(message.text)
            continue
        if message.role == "assistant":
            role, blocks = "assistant", _assistant_blocks(message)
        elif message.role == "tool":
            role, blocks = "user", _tool_blocks(message)
        else:
            role, blocks = "user", _user_blocks(message)
        if not blocks:
            continue
        if not turns and role == "assistant":
            system.append("Earlier in this conversation you said: " + message.text)
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return turns, ("\n\n".join(s for s in system if s) or None)


def request(context: AIContext, model: str, max_tokens: int) -> dict[str, Any]:
    messages, system = messages_and_system(context)
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": context.max_tokens or max_tokens,
        "messages": messages,
    }
    if system:
        body["system"] = system
    if context.tools:
        body["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in context.tools
        ]
    if context.thinking_budget:
        budget = max(MIN_THINKING_BUDGET, context.thinking_budget)
        body["thinking"] = {"type": "enabled", "budget_tokens": budget}
        body["max_tokens"] = max(body["max_tokens"], budget + max_tokens)
    elif context.temperature is not None:  # the API takes no temperature with thinking
        body["temperature"] = context.temperature
    return body


def response(message: Any) -> AIResponse:
    """An AIResponse from an ``anthropic.types.Message``."""
    text, thinking, calls = [], [], []
    for block in message.content:
        kind = getattr(block, "type", None)
        if kind == "text":
            text.append(block.text)
        elif kind == "thinking":
            thinking.append(block.thinking)
        elif kind == "tool_use":
            arguments = block.input if isinstance(block.input, dict) else json.loads(block.input)
            calls.append(AIToolCall(id=block.id, name=block.name, arguments=arguments))
    usage = getattr(message, "usage", None)
    return AIResponse(
        content="".join(text),
        tool_calls=calls,
        thinking="".join(thinking) or None,
        finish_reason=message.stop_reason,
        usage=AIUsage(
            input_tokens=getattr(usage, "input_tokens", 0) or 0,
            output_tokens=getattr(usage, "output_tokens", 0) or 0,
        ),
    )
