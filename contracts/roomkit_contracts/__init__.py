"""Contract test suites for RoomKit ports. Subclass one per adapter and override its fixture::

from roomkit_contracts import ConversationStoreContract

class TestMyStore(ConversationStoreContract):
    @pytest.fixture
    def store(self):
        return MyStore()
"""

from roomkit_contracts.ai import AIProviderContract
from roomkit_contracts.base import ContractSuite
from roomkit_contracts.identity import IdentityResolverContract
from roomkit_contracts.locks import RoomLockManagerContract
from roomkit_contracts.realtime import RealtimeBackendContract
from roomkit_contracts.store import ConversationStoreContract

__all__ = [
    "AIProviderContract",
    "ContractSuite",
    "ConversationStoreContract",
    "IdentityResolverContract",
    "RealtimeBackendContract",
    "RoomLockManagerContract",
]
