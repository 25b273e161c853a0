"""Graph API error bodies (``{"error": {"message", "type", "code", "error_subcode",
"error_data": {"details"}, "fbtrace_id"}}``) as readable errors naming the code and message."""

from __future__ import annotations

from typing import Any

import httpx

from roomkit.domain.delivery import ProviderResult
from roomkit.domain.errors import RoomKitError

VENDOR = "whatsapp"

#: Graph error code for a free-form message outside the 24-hour window (re-engagement).
REENGAGEMENT = 131047


class WhatsAppAPIError(RoomKitError):
    """The Cloud API refused a call; ``code`` is the Graph error code when it gave one."""

    def __init__(self, message: str, status: int | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def graph_error(response: httpx.Response) -> tuple[int | None, str]:
    """(Graph error code, "Graph API error CODE (subcode S, type T): message - details")."""
    try:
        error: Any = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, dict):
        said = response.text[:300].strip() or response.reason_phrase
        return None, said
    code = error.get("code")
    parts = [f"Graph API error {code}"]
    extra = [f"subcode {error['error_subcode']}"] if error.get("error_subcode") else []
    if error.get("type"):
        extra.append(f"type {error['type']}")
    if extra:
        parts.append(f"({', '.join(extra)})")
    text = " ".join(parts) + f": {error.get('message') or 'no message'}"
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    if details:
        text += f" - {details}"
    return (code if isinstance(code, int) else None), text


def graph_refusal(response: httpx.Response) -> ProviderResult:
    code, text = graph_error(response)
    metadata: dict[str, Any] = {"status": response.status_code}
    if code is not None:
        metadata["code"] = code
    return ProviderResult(
        success=False,
        error=f"{VENDOR} answered HTTP {response.status_code}: {text}",
        metadata=metadata,
    )


def api_error(what: str, response: httpx.Response) -> WhatsAppAPIError:
    code, text = graph_error(response)
    return WhatsAppAPIError(
        f"{VENDOR} {what} failed with HTTP {response.status_code}: {text}",
        status=response.status_code,
        code=code,
    )
