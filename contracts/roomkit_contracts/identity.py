"""IdentityResolverContract: known senders resolve to their identity, unknown ones do not."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from roomkit.domain.content import TextContent
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.identity import IdentityResult
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.room import Room
from roomkit.ports.identity import IdentityResolver
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


@dataclass(frozen=True)
class IdentityScenario:
    """What the suite needs to know about a resolver: who it knows and who it does not.

    ``known_identity_id``, if given, is the id the known sender must resolve to.
    """

    resolver: IdentityResolver
    known_sender_id: str
    unknown_sender_id: str
    known_identity_id: str | None = None
    channel_id: str = "sms"


class IdentityResolverContract(
    ContractSuite, port=IdentityResolver, adapter_fixture="identity_scenario"
):
    """Subclass it and override ``identity_scenario`` to return an :class:`IdentityScenario`:
    a fresh resolver, a sender id it knows and one it does not."""

    @pytest.fixture
    def identity_scenario(self) -> IdentityScenario:
        """A resolver plus a known and an unknown sender id (must be overridden)."""
        missing_adapter(
            "identity_scenario",
            "IdentityResolver (return IdentityScenario(resolver, known_sender_id, "
            "unknown_sender_id))",
        )

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def timeout(self) -> float:
        """Seconds one resolve() may take."""
        return 10.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def message(scenario: IdentityScenario, sender_id: str) -> InboundMessage:
        """An inbound text message from ``sender_id`` on the scenario's channel."""
        return InboundMessage(
            channel_id=scenario.channel_id, sender_id=sender_id, content=TextContent(body="hi")
        )

    @staticmethod
    @scenario_helper
    def context(room_id: str = "contract-room") -> RoomContext:
        """The room the message arrives in."""
        return RoomContext(room=Room(id=room_id))

    @scenario_helper
    async def resolve(
        self, scenario: IdentityScenario, sender_id: str, room_id: str = "contract-room"
    ) -> IdentityResult:
        """Resolve ``sender_id`` through the scenario's resolver, within :attr:`timeout`."""
        async with asyncio.timeout(self.timeout):
            result = await scenario.resolver.resolve(
                self.message(scenario, sender_id), self.context(room_id)
            )
        assert isinstance(result, IdentityResult), f"resolve() returned {result!r}"
        return result

    # the adapter -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, identity_scenario: IdentityScenario) -> None:
        """The scenario's resolver is an IdentityResolver and the two senders differ.

        If this fails, subclass roomkit.ports.identity.IdentityResolver and fix the scenario.
        """
        assert isinstance(identity_scenario, IdentityScenario), "return an IdentityScenario"
        assert isinstance(identity_scenario.resolver, IdentityResolver)
        assert identity_scenario.known_sender_id != identity_scenario.unknown_sender_id

    # resolution ------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_known_sender_is_identified(self, identity_scenario: IdentityScenario) -> None:
        """A known sender comes back IDENTIFIED, with the identity attached.

        If this fails, return IdentityResult(status=IDENTIFIED, identity=...) for known senders.
        """
        result = await self.resolve(identity_scenario, identity_scenario.known_sender_id)
        assert result.status is IdentificationStatus.IDENTIFIED, f"got {result.status}"
        assert result.identity is not None, "IDENTIFIED without an identity"
        expected = identity_scenario.known_identity_id
        if expected is not None:
            assert result.identity.id == expected, f"resolved to {result.identity.id!r}"

    @pytest.mark.asyncio
    async def test_unknown_sender_is_not_identified(
        self, identity_scenario: IdentityScenario
    ) -> None:
        """An unknown sender gets a non-IDENTIFIED status and no identity; resolve() does not raise.

        If this fails, return UNKNOWN (or PENDING/AMBIGUOUS/...) without an identity instead.
        """
        result = await self.resolve(identity_scenario, identity_scenario.unknown_sender_id)
        assert result.status is not IdentificationStatus.IDENTIFIED, "unknown sender identified"
        assert result.identity is None, f"unknown sender resolved to {result.identity!r}"

    @pytest.mark.asyncio
    async def test_resolution_is_repeatable(self, identity_scenario: IdentityScenario) -> None:
        """Resolving the same senders again, in another room, gives the same answers.

        If this fails, the resolver keeps state between calls that changes its answer.
        """
        known = identity_scenario.known_sender_id
        unknown = identity_scenario.unknown_sender_id
        first = await self.resolve(identity_scenario, known)
        again = await self.resolve(identity_scenario, known, room_id="another-room")
        assert again.status is first.status is IdentificationStatus.IDENTIFIED
        assert again.identity is not None and first.identity is not None
        assert again.identity.id == first.identity.id
        unknown_again = await self.resolve(identity_scenario, unknown, room_id="another-room")
        assert unknown_again.status is not IdentificationStatus.IDENTIFIED

    @pytest.mark.asyncio
    async def test_concurrent_resolutions_do_not_mix(
        self, identity_scenario: IdentityScenario
    ) -> None:
        """Known and unknown senders resolved at the same time each get their own answer.

        If this fails, the resolver shares per-call state (a buffer, a cursor) between calls.
        """
        known = identity_scenario.known_sender_id
        unknown = identity_scenario.unknown_sender_id
        senders = [known, unknown] * 5
        results = await asyncio.gather(*(self.resolve(identity_scenario, s) for s in senders))
        for sender, result in zip(senders, results, strict=True):
            identified = result.status is IdentificationStatus.IDENTIFIED
            assert identified == (sender == known), f"{sender!r} got {result.status}"
