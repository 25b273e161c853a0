"""What an ElevenLabs failure means, in words."""

from __future__ import annotations

import json
from typing import Any

from roomkit.domain.errors import RoomKitError


class ElevenLabsError(RoomKitError):
    """ElevenLabs refused, failed or stalled; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


_MEANING = {
    400: "the request was refused (check the voice, model and output format)",
    401: "the API key was refused",
    404: "no such voice",
    422: "the request was not valid",
    429: "too many requests or concurrent streams (rate limited)",
}


def _detail(body: Any) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return str(body[:200])
    if isinstance(body, dict):
        detail = body.get("detail", body)
        if isinstance(detail, dict):
            return str(detail.get("message", detail))
        return str(detail)
    return "" if body is None else str(body)[:200]


def describe_status(status: int | None, body: Any) -> str:
    code = status or 0
    meaning = _MEANING.get(code, "the service failed" if code >= 500 else "error")
    detail = _detail(body)
    return f"ElevenLabs HTTP {status}: {meaning}" + (f" ({detail})" if detail else "")
