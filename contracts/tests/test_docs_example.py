"""A third-party identity resolver, checked against RoomKit's IdentityResolver contract."""

import pytest

from roomkit.domain.context import RoomContext
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.identity import Identity, IdentityResult
from roomkit.domain.inbound import InboundMessage
from roomkit.ports.identity import IdentityResolver
from roomkit_contracts import IdentityResolverContract, IdentityScenario


class PhoneBookResolver(IdentityResolver):
    """Knows senders by phone number."""

    def __init__(self, phone_book: dict[str, Identity]) -> None:
        self.phone_book = phone_book

    async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
        identity = self.phone_book.get(message.sender_id)
        if identity is None:
            return IdentityResult(status=IdentificationStatus.UNKNOWN, address=message.sender_id)
        return IdentityResult(status=IdentificationStatus.IDENTIFIED, identity=identity)


class TestPhoneBookResolver(IdentityResolverContract):
    @pytest.fixture
    def identity_scenario(self) -> IdentityScenario:
        ann = Identity(id="user-1", display_name="Ann")
        return IdentityScenario(
            resolver=PhoneBookResolver({"+15550001": ann}),
            known_sender_id="+15550001",
            unknown_sender_id="+15559999",
            known_identity_id="user-1",
        )
