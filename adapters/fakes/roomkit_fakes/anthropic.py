"""A fake of the Anthropic Messages API (``POST /v1/messages``, JSON and SSE)."""

from __future__ import annotations

import itertools
import json
from typing import Any

from aiohttp import web

from roomkit_fakes.server import FakeServer, ProtocolError, Reply, json_reply, sse

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def chunks(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class AnthropicFake(FakeServer):
    """Checks what the real API checks (key, version, model, max_tokens, alternating roles that
    start with ``user``, well-formed tools) and answers from the script."""

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/messages", self.messages)]

    async def messages(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await self.record(request)
            reply = self.next_reply()
            await self.pause(reply)
            if not self.api_key(request, "x-api-key"):
                return self.error(401, "authentication_error", "an API key is required")
            if reply.status != 200:
                kind = reply.error_type or ERROR_TYPES.get(reply.status, "api_error")
                return self.error(reply.status, kind, reply.error_message)
            self.validate(request, body)
        except ProtocolError as exc:
            return self.error(400, "invalid_request_error", str(exc))
        if body.get("stream"):
            return await sse(request, self.frames(body, reply), reply.truncate)
        return await json_reply(request, self.message(body, reply), reply.truncate)

    def validate(self, request: web.Request, body: dict[str, Any]) -> None:
        self.require(bool(request.headers.get("anthropic-version")), "anthropic-version missing")
        self.require(isinstance(body.get("model"), str) and body["model"], "model: required")
        self.require(isinstance(body.get("max_tokens"), int), "max_tokens: required integer")
        messages = body.get("messages")
        self.require(isinstance(messages, list) and bool(messages), "messages: non-empty list")
        assert isinstance(messages, list)
        self.require(messages[0].get("role") == "user", "messages: the first must be 'user'")
        for before, after in itertools.pairwise(messages):
            self.require(
                before.get("role") != after.get("role"),
                "messages: roles must alternate between 'user' and 'assistant'",
            )
        for tool in body.get("tools", []):
            schema = tool.get("input_schema")
            self.require(bool(tool.get("name")), "tools: every tool needs a name")
            self.require(
                isinstance(schema, dict) and schema.get("type") == "object",
                f"tools.{tool.get('name')}: input_schema must be an object schema",
            )
        thinking = body.get("thinking")
        if thinking is not None:
            self.require(
                thinking.get("type") == "enabled" and thinking.get("budget_tokens", 0) >= 1024,
                "thinking: budget_tokens must be >= 1024",
            )

    @staticmethod
    def error(status: int, kind: str, message: str) -> web.Response:
        return web.json_response(
            {"type": "error", "error": {"type": kind, "message": message}}, status=status
        )

    @staticmethod
    def blocks(reply: Reply) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if reply.thinking:
            out.append({"type": "thinking", "thinking": reply.thinking, "signature": "sig"})
        if reply.text:
            out.append({"type": "text", "text": reply.text})
        for call_id, name, arguments in reply.tool_calls:
            out.append({"type": "tool_use", "id": call_id, "name": name, "input": arguments})
        return out

    def message(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        return {
            "id": f"msg_{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": self.blocks(reply),
            "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
        }

    def frames(self, body: dict[str, Any], reply: Reply) -> list[str]:
        def frame(kind: str, data: dict[str, Any]) -> str:
            return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n"

        start = self.message(body, reply) | {"content": [], "stop_reason": None}
        start["usage"] = {"input_tokens": reply.input_tokens, "output_tokens": 1}
        out = [frame("message_start", {"message": start})]
        for index, block in enumerate(self.blocks(reply)):
            if block["type"] == "text":
                out.append(
                    frame(
                        "content_block_start",
                        {"index": index, "content_block": {"type": "text", "text": ""}},
                    )
                )
                out += [
                    frame(
                        "content_block_delta",
                        {"index": index, "delta": {"type": "text_delta", "text": piece}},
                    )
                    for piece in chunks(block["text"])
                ]
            elif block["type"] == "thinking":
                out.append(
                    frame(
                        "content_block_start",
                        {"index": index, "content_block": {"type": "thinking", "thinking": ""}},
                    )
                )
                out += [
                    frame(
                        "content_block_delta",
                        {"index": index, "delta": {"type": "thinking_delta", "thinking": piece}},
                    )
                    for piece in chunks(block["thinking"])
                ]
                out.append(
                    frame(
                        "content_block_delta",
                        {"index": index, "delta": {"type": "signature_delta", "signature": "sig"}},
                    )
                )
            else:
                out.append(
                    frame(
                        "content_block_start",
                        {
                            "index": index,
                            "content_block": {
                                "type": "tool_use",
                                "id": block["id"],
                                "name": block["name"],
                                "input": {},
                            },
                        },
                    )
                )
                out += [
                    frame(
                        "content_block_delta",
                        {
                            "index": index,
                            "delta": {"type": "input_json_delta", "partial_json": piece},
                        },
                    )
                    for piece in chunks(json.dumps(block["input"]), 7)
                ]
            out.append(frame("content_block_stop", {"index": index}))
        out.append(
            frame(
                "message_delta",
                {
                    "delta": {
                        "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
                        "stop_sequence": None,
                    },
                    "usage": {"output_tokens": reply.output_tokens},
                },
            )
        )
        out.append(frame("message_stop", {}))
        return out
