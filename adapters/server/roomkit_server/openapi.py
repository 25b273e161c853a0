"""The OpenAPI 3.1 description, built from the same route table the app is built from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from roomkit import ChannelBinding, DeliveryResult, DeliveryStatus
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbox import OutboxEntry
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Any
    summary: str
    body: type[BaseModel] | None = None
    returns: type[BaseModel] | None = None
    query: tuple[str, ...] = ()
    public: bool = False
    tags: tuple[str, ...] = field(default=("api",))


SCHEMAS: tuple[type[BaseModel], ...] = (
    Room,
    ChannelBinding,
    Participant,
    RoomEvent,
    DeliveryResult,
    DeliveryStatus,
    OutboxEntry,
)

_PARAM = re.compile(r"{(\w+)}")


def _operation(op: Operation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(op.path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in op.query
    ]
    status = "201" if op.method == "POST" and op.returns is not None else "200"
    response: dict[str, Any] = {"description": "OK"}
    if op.returns is not None:
        response["content"] = {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{op.returns.__name__}"}}
        }
    body: dict[str, Any] = {
        "operationId": f"{op.method.lower()}_{op.handler.__name__}",
        "summary": op.summary,
        "tags": list(op.tags),
        "parameters": parameters,
        "responses": {
            status: response,
            "400": {"description": "bad request, with a message naming what was wrong"},
            "404": {"description": "unknown room, channel or participant"},
        },
    }
    if not op.public:
        body["security"] = [{"bearer": []}]
        body["responses"]["401"] = {"description": "missing or wrong bearer token"}
    if op.body is not None:
        body["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}}
            },
        }
    return body


def _schemas(models: list[type[BaseModel]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            found[name] = definition
        found[model.__name__] = schema
    return found


def describe(operations: list[Operation], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    models: list[type[BaseModel]] = list(SCHEMAS)
    for op in operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
        models += [m for m in (op.body, op.returns) if m is not None and m not in models]
    return {
        "openapi": "3.1.0",
        "info": {"title": "RoomKit server", "version": version},
        "paths": paths,
        "components": {
            "schemas": _schemas(models),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
