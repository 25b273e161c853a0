"""JSON on the wire: models dumped in JSON mode, errors as ``{"error": {...}}``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse

from roomkit import (
    ChannelNotFoundError,
    ChannelNotRegisteredError,
    NotAvailableError,
    ParticipantNotFoundError,
    RoomClosedError,
    RoomKitError,
    RoomNotFoundError,
)
from roomkit.domain.errors import (
    InboundRateLimitedError,
    InvalidRoomTransitionError,
    RoomAlreadyExistsError,
)


def dump(value: Any) -> Any:
    """A model, a list of models or plain data, ready for ``json.dumps``."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [dump(item) for item in value]
    if isinstance(value, dict):
        return {key: dump(item) for key, item in value.items()}
    return value


def ok(value: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(dump(value), status_code=status)


def error(status: int, code: str, message: str, **details: Any) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


_STATUS: list[tuple[type[Exception], int, str]] = [
    (RoomNotFoundError, 404, "room_not_found"),
    (ChannelNotRegisteredError, 404, "channel_not_registered"),
    (ChannelNotFoundError, 404, "channel_not_found"),
    (ParticipantNotFoundError, 404, "participant_not_found"),
    (RoomAlreadyExistsError, 409, "room_exists"),
    (RoomClosedError, 409, "room_closed"),
    (InvalidRoomTransitionError, 409, "invalid_transition"),
    (InboundRateLimitedError, 429, "rate_limited"),
    (NotAvailableError, 501, "not_available"),
]


def status_of(exc: Exception) -> tuple[int, str]:
    """The HTTP status and error code a RoomKit error maps to."""
    for kind, status, code in _STATUS:
        if isinstance(exc, kind):
            return status, code
    return 400, "bad_request"


async def roomkit_error(request: Request, exc: Exception) -> JSONResponse:
    status, code = status_of(exc)
    return error(status, code, str(exc))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ValidationError)
    problems = [
        {"field": ".".join(str(p) for p in item["loc"]) or "(body)", "problem": item["msg"]}
        for item in exc.errors()
    ]
    names = ", ".join(p["field"] for p in problems)
    return error(422, "invalid_body", f"invalid request body: {names}", problems=problems)


class BadRequest(Exception):
    """A request the handler refuses with a readable reason."""

    def __init__(self, message: str, status: int = 400, code: str = "bad_request") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


async def bad_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadRequest)
    return error(exc.status, exc.code, str(exc))


async def read_json(request: Request, max_bytes: int) -> Any:
    """The request body as JSON; a readable 400 when it is not JSON or too large."""
    body = await request.body()
    if len(body) > max_bytes:
        raise BadRequest(f"body larger than {max_bytes} bytes", 413, "too_large")
    if not body:
        return {}
    try:
        import json

        return json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"body is not JSON: {exc}", 400, "not_json") from exc


EXCEPTION_HANDLERS: dict[Any, Any] = {
    RoomKitError: roomkit_error,
    ValidationError: validation_error,
    BadRequest: bad_request,
}
