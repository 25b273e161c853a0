"""MockIdentityResolver: identities by sender id, for tests and demos."""

from __future__ import annotations

from collections.abc import Mapping

from roomkit.domain.context import RoomContext
from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.identity import Identity, IdentityResult
from roomkit.domain.inbound import InboundMessage
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.identity import IdentityResolver


class MockIdentityResolver(IdentityResolver):
    """Known senders resolve to their identity; ``results`` scripts any other outcome; everyone
    else gets ``default_status``. Calls are kept in ``calls``."""

    def __init__(
        self,
        identities: Mapping[str, Identity] | None = None,
        *,
        results: Mapping[str, IdentityResult] | None = None,
        default_status: IdentificationStatus = IdentificationStatus.UNKNOWN,
    ) -> None:
        self.identities = dict(identities or {})
        self.results = dict(results or {})
        self.default_status = default_status
        self.calls: list[InboundMessage] = []

    async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
        self.calls.append(message)
        if message.sender_id in self.results:
            return self.results[message.sender_id]
        identity = self.identities.get(message.sender_id)
        if identity is not None:
            return IdentityResult(status=IdentificationStatus.IDENTIFIED, identity=identity)
        return IdentityResult(status=self.default_status, address=message.sender_id)


def _factory(settings: object) -> MockIdentityResolver:
    return MockIdentityResolver()


@hookimpl
def roomkit_register_identity_resolvers(register: Register) -> None:
    register(name="mock", factory=_factory, description="Scripted identities (tests)")
