"""An event's outbox entries as one row: a JSON document of its targets and their state.

One row per event instead of one per target: an append inserts one row however many channels
it goes to, and the broadcast settles it with one row update (PostgreSQL spends most of a
fan-out's time on rows, not on their bytes). The document maps each channel id to
``[state, attempts, last_error, updated_at, created_at]``; the two times are None while they
equal the row's ``created_at``. The row also keeps ``pending`` and ``dead`` flags (what recovery
and dead letters look for, indexed) and a ``revision`` bumped by every change, which lets a
process that knows the document write its next version without reading it first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from roomkit.domain.outbox import DeliverySettlement, OutboxEntry, OutboxState

type Document = dict[str, list[Any]]

_PENDING = OutboxState.PENDING.value
_DEAD = OutboxState.DEAD.value


def fresh(targets: Iterable[str]) -> Document:
    """The document of an event just stored: every target pending, never attempted."""
    return {channel_id: [_PENDING, 0, None, None, None] for channel_id in targets}


def dump(document: Document) -> str:
    return json.dumps(document, separators=(",", ":"))


def load(text: str) -> Document:
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError(f"an outbox document must be a JSON object, not {text[:80]!r}")
    return document


def settled(document: Document, outcomes: Sequence[DeliverySettlement], stamp: str) -> Document:
    """The document after ``outcomes``: each named target takes the new state and error, and
    its attempts grow by the outcome's. Targets the event never had are ignored."""
    after = dict(document)
    for outcome in outcomes:
        entry = after.get(outcome.channel_id)
        if entry is not None:
            state = OutboxState(outcome.state).value
            after[outcome.channel_id] = [
                state,
                int(entry[1]) + outcome.attempts,
                outcome.error,
                stamp,
                entry[4],
            ]
    return after


def pending_again(document: Document, channel_id: str, stamp: str) -> Document:
    """The document with ``channel_id`` pending (a fired fallback's target): a new entry, or
    an existing one moved back to pending with its attempts and error kept."""
    after = dict(document)
    entry = after.get(channel_id)
    if entry is None:
        after[channel_id] = [_PENDING, 0, None, stamp, stamp]
    else:
        after[channel_id] = [_PENDING, entry[1], entry[2], stamp, entry[4]]
    return after


def columns(document: Document) -> dict[str, Any]:
    """What a row stores of ``document``: its text, and whether some entry is pending and
    some entry is dead."""
    states = {entry[0] for entry in document.values()}
    return {"deliveries": dump(document), "pending": _PENDING in states, "dead": _DEAD in states}


def entries(
    room_id: str, event_id: str, document: Document, created_at: str, state: OutboxState
) -> list[OutboxEntry]:
    """The entries of one row in ``state``, by channel id."""
    created = datetime.fromisoformat(created_at)
    return [
        OutboxEntry(
            room_id=room_id,
            event_id=event_id,
            channel_id=channel_id,
            state=OutboxState(entry[0]),
            attempts=int(entry[1]),
            last_error=entry[2],
            created_at=datetime.fromisoformat(entry[4]) if entry[4] else created,
            updated_at=datetime.fromisoformat(entry[3]) if entry[3] else created,
        )
        for channel_id, entry in sorted(document.items())
        if entry[0] == state.value
    ]


def marker(state: OutboxState) -> str:
    """A text every stored document with an entry in ``state`` contains (the start of such an
    entry: a quote inside a string is escaped, so no key or error can hold it)."""
    return f'["{state.value}"'
