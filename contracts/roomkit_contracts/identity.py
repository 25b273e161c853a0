"""IdentityResolverContract: known senders resolve, unknown ones do not."""

from __future__ import annotations

import pytest

from roomkit.domain.content import TextContent
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.room import Room
from roomkit.ports.identity import IdentityResolver
from roomkit_contracts.base import ContractSuite

pytestmark = [pytest.mark.contract]


class IdentityResolverContract(ContractSuite):
    """Override ``resolver`` (knowing ``known_sender`` as ``known_identity_id``)."""

    known_sender: str = "+15550001"
    known_identity_id: str = "user-1"
    unknown_sender: str = "+15559999"
    channel_id: str = "sms"

    @pytest.fixture
    def resolver(self) -> IdentityResolver:
        pytest.fail(
            "override the `resolver` fixture: a resolver that knows `known_sender` as "
            "`known_identity_id` and does not know `unknown_sender`"
        )

    def message(self, sender: str) -> InboundMessage:
        return InboundMessage(
            channel_id=self.channel_id, sender_id=sender, content=TextContent(body="hi")
        )

    @staticmethod
    def context() -> RoomContext:
        return RoomContext(room=Room(id="room-1"))

    @pytest.mark.asyncio
    async def test_known_sender_is_identified(self, resolver: IdentityResolver) -> None:
        """If this fails, a known sender did not come back IDENTIFIED with its identity."""
        result = await resolver.resolve(self.message(self.known_sender), self.context())
        assert result.status is IdentificationStatus.IDENTIFIED
        assert result.identity is not None and result.identity.id == self.known_identity_id

    @pytest.mark.asyncio
    async def test_unknown_sender_is_not_identified(self, resolver: IdentityResolver) -> None:
        """If this fails, an unknown sender was identified as someone."""
        result = await resolver.resolve(self.message(self.unknown_sender), self.context())
        assert result.status is not IdentificationStatus.IDENTIFIED
        assert result.identity is None
