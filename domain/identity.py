"""Identities and the results of resolving a sender to one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from roomkit.domain.base import Model
from roomkit.domain.enums import ChannelType, IdentificationStatus
from roomkit.domain.hooks import InjectedEvent


class Identity(Model):
    id: str
    display_name: str | None = None
    organization_id: str | None = None
    channel_addresses: dict[str, list[str]] = Field(default_factory=dict)
    external_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class IdentityResult(Model):
    status: IdentificationStatus
    identity: Identity | None = None
    candidates: list[Identity] = Field(default_factory=list)
    address: str | None = None
    channel_type: ChannelType | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class IdentityHookResult(Model):
    """What an identity hook decided for a sender that was not plainly identified."""

    outcome: Literal["resolved", "challenge", "reject", "pending"]
    identity: Identity | None = None
    inject: InjectedEvent | None = None
    reason: str | None = None
    candidates: list[Identity] = Field(default_factory=list)
    display_name: str | None = None

    @classmethod
    def resolved(cls, identity: Identity) -> IdentityHookResult:
        return cls(outcome="resolved", identity=identity)

    @classmethod
    def challenge(cls, inject: InjectedEvent, reason: str | None = None) -> IdentityHookResult:
        return cls(outcome="challenge", inject=inject, reason=reason or "identity challenge sent")

    @classmethod
    def reject(cls, reason: str = "sender rejected") -> IdentityHookResult:
        return cls(outcome="reject", reason=reason)

    @classmethod
    def pending(
        cls, candidates: list[Identity] | None = None, display_name: str | None = None
    ) -> IdentityHookResult:
        return cls(outcome="pending", candidates=candidates or [], display_name=display_name)

    @property
    def status(self) -> IdentificationStatus:
        return {
            "resolved": IdentificationStatus.IDENTIFIED,
            "challenge": IdentificationStatus.CHALLENGE_SENT,
            "reject": IdentificationStatus.REJECTED,
            "pending": IdentificationStatus.PENDING,
        }[self.outcome]
