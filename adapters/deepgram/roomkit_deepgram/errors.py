"""What a Deepgram failure means, in words."""

from __future__ import annotations

from typing import Any

from roomkit.domain.errors import RoomKitError


class DeepgramError(RoomKitError):
    """Deepgram refused or failed a request; ``status`` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


_MEANING = {
    400: "the request was refused (check the model, language and audio format)",
    401: "the API key was refused",
    402: "the account has no credit left",
    403: "the API key may not use this model or feature",
    429: "too many requests (rate limited)",
}


def describe_status(status: int | None, body: Any) -> str:
    meaning = _MEANING.get(status or 0, "the service failed" if (status or 0) >= 500 else "error")
    detail = body.get("err_msg") if isinstance(body, dict) else body
    return f"Deepgram HTTP {status}: {meaning}" + (f" ({detail})" if detail else "")
