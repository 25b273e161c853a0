"""A fake of the Gemini API: ``models/{model}:generateContent`` and ``:streamGenerateContent``."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from roomkit_fakes.server import FakeServer, ProtocolError, Reply, json_reply, sse


class GeminiFake(FakeServer):
    """Checks the ``x-goog-api-key`` header, ``contents`` (roles user/model, non-empty parts) and
    function declarations, then answers from the script."""

    def routes(self) -> list[web.RouteDef]:
        return [web.post(r"/{version}/models/{model_action}", self.generate)]

    async def generate(self, request: web.Request) -> web.StreamResponse:
        model, _, action = request.match_info["model_action"].partition(":")
        if action not in ("generateContent", "streamGenerateContent"):
            return self.error(404, "NOT_FOUND", f"unknown method {action!r}")
        try:
            body = await self.record(request)
            reply = self.next_reply()
            await self.pause(reply)
            if not self.api_key(request, "x-goog-api-key"):
                return self.error(401, "UNAUTHENTICATED", "API key not valid")
            if reply.status != 200:
                return self.error(
                    reply.status, reply.error_type or "UNAVAILABLE", reply.error_message
                )
            self.validate(body)
        except ProtocolError as exc:
            return self.error(400, "INVALID_ARGUMENT", str(exc))
        if action == "streamGenerateContent":
            frames = [f"data: {json.dumps(chunk)}\r\n\r\n" for chunk in self.chunks(model, reply)]
            return await sse(request, frames, reply.truncate)
        return await json_reply(
            request, self.response(model, reply, reply.text, final=True), reply.truncate
        )

    def validate(self, body: dict[str, Any]) -> None:
        contents = body.get("contents")
        self.require(isinstance(contents, list) and bool(contents), "contents: non-empty list")
        assert isinstance(contents, list)
        for content in contents:
            self.require(
                content.get("role") in ("user", "model"),
                f"contents.role must be 'user' or 'model', not {content.get('role')!r}",
            )
            self.require(bool(content.get("parts")), "contents.parts: must not be empty")
        for tool in body.get("tools", []):
            for function in tool.get("functionDeclarations", []):
                self.require(bool(function.get("name")), "functionDeclarations: name required")

    @staticmethod
    def error(status: int, code: str, message: str) -> web.Response:
        return web.json_response(
            {"error": {"code": status, "message": message, "status": code}}, status=status
        )

    @staticmethod
    def response(model: str, reply: Reply, text: str, final: bool) -> dict[str, Any]:
        parts: list[dict[str, Any]] = []
        if reply.thinking and final:
            parts.append({"text": reply.thinking, "thought": True})
        if text:
            parts.append({"text": text})
        if final:
            parts += [
                {"functionCall": {"name": name, "args": args}}
                for _cid, name, args in reply.tool_calls
            ]
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
        if final:
            candidate["finishReason"] = "STOP"
        return {
            "candidates": [candidate],
            "usageMetadata": {
                "promptTokenCount": reply.input_tokens,
                "candidatesTokenCount": reply.output_tokens,
                "totalTokenCount": reply.input_tokens + reply.output_tokens,
            },
            "modelVersion": model,
        }

    def chunks(self, model: str, reply: Reply) -> list[dict[str, Any]]:
        pieces = [reply.text[i : i + 5] for i in range(0, len(reply.text), 5)] or [""]
        out = [self.response(model, reply, piece, final=False) for piece in pieces[:-1]]
        out.append(self.response(model, reply, pieces[-1], final=True))
        return out
