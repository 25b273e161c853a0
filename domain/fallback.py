"""Cross-channel fallback: "if not delivered on X within T, send on Y", per binding.

A ``FallbackPolicy`` on a binding names the channel that stands in for it. Each event delivered
to that binding leaves one ``PendingFallback`` record in the store; the record moves out of
``pending`` exactly once (a compare-and-set in the store), to ``fired`` (sent on Y), ``settled``
(X reported delivered or read) or ``dropped`` (Y was gone).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from roomkit.domain.base import Model, utcnow

#: How many fallbacks may follow one another (X -> Y -> Z counts two).
MAX_FALLBACK_CHAIN = 3


class FallbackPolicy(Model):
    """Send on ``channel_id`` when this binding's delivery fails or is not confirmed in time.

    ``after``: seconds to wait for a delivered or read status before falling back (None: wait
    for no status, only a failure falls back). ``on_failed``: fall back at once when the send
    fails or a status callback reports a failure (False: only the deadline counts).
    """

    channel_id: str = Field(min_length=1)
    after: float | None = Field(default=60.0, gt=0)
    on_failed: bool = True

    @model_validator(mode="after")
    def _something_triggers_it(self) -> FallbackPolicy:
        if self.after is None and not self.on_failed:
            raise ValueError("FallbackPolicy needs after=<seconds>, on_failed=True, or both")
        return self


class FallbackState(StrEnum):
    PENDING = "pending"  # waiting for a status or the deadline
    FIRED = "fired"  # the event was sent on the fallback channel
    SETTLED = "settled"  # the first channel reported delivered or read: no fallback
    DROPPED = "dropped"  # due, but the fallback channel was no longer attached


class PendingFallback(Model):
    """One event's fallback from ``channel_id`` to ``fallback_channel_id``."""

    room_id: str
    event_id: str
    channel_id: str
    fallback_channel_id: str
    on_failed: bool = True
    #: when the deadline passes (None: only a failure fires it)
    due_at: datetime | None = None
    state: FallbackState = FallbackState.PENDING
    reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def check_fallback(
    room_id: str, attached: set[str], policies: dict[str, str], channel_id: str
) -> None:
    """Raise FallbackPolicyError unless ``channel_id``'s fallback (in ``policies``: channel id
    -> fallback channel id, for the whole room) names another attached channel, and the room's
    fallbacks form no cycle nor a chain longer than ``MAX_FALLBACK_CHAIN`` steps."""
    from roomkit.domain.errors import FallbackPolicyError

    target = policies.get(channel_id)
    if target == channel_id:
        raise FallbackPolicyError(f"channel {channel_id!r} cannot fall back to itself")
    if target is not None and target not in attached:
        raise FallbackPolicyError(
            f"fallback channel {target!r} of {channel_id!r} is not attached to room "
            f"{room_id!r}: attach it first"
        )
    for start in dict.fromkeys([channel_id, *policies]):  # the channel being set first
        chain = [start]
        while chain[-1] in policies:
            following = policies[chain[-1]]
            if following in chain:
                path = " -> ".join([*chain, following])
                raise FallbackPolicyError(f"fallbacks in room {room_id!r} form a cycle: {path}")
            chain.append(following)
            if len(chain) - 1 > MAX_FALLBACK_CHAIN:
                raise FallbackPolicyError(
                    f"fallback chain {' -> '.join(chain)} in room {room_id!r} is longer than "
                    f"{MAX_FALLBACK_CHAIN} steps"
                )
