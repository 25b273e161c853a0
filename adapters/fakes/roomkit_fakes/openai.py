"""A fake of the OpenAI chat completions API, also at Azure's deployment paths."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from roomkit_fakes.server import FakeServer, ProtocolError, Reply, json_reply, sse


class OpenAIFake(FakeServer):
    """Checks the bearer key (or Azure's ``api-key``), model and messages, and answers from the
    script; streamed tool calls arrive as argument fragments, as from the real API.

    ``base_url`` ends in ``/v1`` like the SDK's default; ``azure_endpoint`` is the root, as Azure
    endpoints are."""

    sdk_path = "/v1"

    @property
    def azure_endpoint(self) -> str:
        return self.root_url

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/v1/chat/completions", self.completions),
            web.post("/openai/deployments/{deployment}/chat/completions", self.completions),
        ]

    async def completions(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await self.record(request)
            reply = self.next_reply()
            await self.pause(reply)
            if not self.api_key(request, "api-key"):
                return self.error(401, "invalid_api_key", "missing API key")
            if reply.status != 200:
                return self.error(
                    reply.status, reply.error_type or "server_error", reply.error_message
                )
            self.validate(request, body)
        except ProtocolError as exc:
            return self.error(400, "invalid_request_error", str(exc))
        model = body.get("model") or request.match_info.get("deployment", "")
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return await sse(request, self.chunks(model, reply, include_usage), reply.truncate)
        return await json_reply(request, self.completion(model, reply), reply.truncate)

    def validate(self, request: web.Request, body: dict[str, Any]) -> None:
        if "deployment" not in request.match_info:
            self.require(
                isinstance(body.get("model"), str) and bool(body["model"]), "model: required"
            )
        messages = body.get("messages")
        self.require(isinstance(messages, list) and bool(messages), "messages: non-empty list")
        for tool in body.get("tools", []):
            function = tool.get("function") or {}
            self.require(
                tool.get("type") == "function" and bool(function.get("name")),
                "tools: each needs type 'function' and a function name",
            )
            self.require(
                (function.get("parameters") or {}).get("type") == "object",
                f"tools.{function.get('name')}: parameters must be an object schema",
            )

    @staticmethod
    def error(status: int, code: str, message: str) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": code, "code": code, "param": None}},
            status=status,
        )

    def completion(self, model: str, reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": cid,
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for cid, name, args in reply.tool_calls
            ]
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": reply.input_tokens,
                "completion_tokens": reply.output_tokens,
                "total_tokens": reply.input_tokens + reply.output_tokens,
            },
        }

    def chunks(self, model: str, reply: Reply, include_usage: bool) -> list[str]:
        base = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            data = base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            return f"data: {json.dumps(data)}\n\n"

        out = [chunk({"role": "assistant", "content": ""})]
        text = reply.text
        out += [chunk({"content": text[i : i + 4]}) for i in range(0, len(text), 4)]
        for index, (cid, name, args) in enumerate(reply.tool_calls):
            out.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": index,
                                "id": cid,
                                "type": "function",
                                "function": {"name": name, "arguments": ""},
                            }
                        ]
                    }
                )
            )
            encoded = json.dumps(args)
            out += [
                chunk(
                    {
                        "tool_calls": [
                            {"index": index, "function": {"arguments": encoded[i : i + 6]}}
                        ]
                    }
                )
                for i in range(0, len(encoded), 6)
            ]
        out.append(chunk({}, "tool_calls" if reply.tool_calls else "stop"))
        if include_usage:
            usage = {
                "prompt_tokens": reply.input_tokens,
                "completion_tokens": reply.output_tokens,
                "total_tokens": reply.input_tokens + reply.output_tokens,
            }
            out.append(f"data: {json.dumps(base | {'choices': [], 'usage': usage})}\n\n")
        out.append("data: [DONE]\n\n")
        return out
