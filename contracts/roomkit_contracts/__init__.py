"""Contract test suites for RoomKit ports: subclass one per adapter and override its fixture::

    import pytest
    from roomkit_contracts import ConversationStoreContract

    class TestMyStore(ConversationStoreContract):
        @pytest.fixture
        def store(self):
            return MyStore()

Installing the distribution also registers the pytest plugin (``roomkit_contracts.plugin``):
the ``contract`` marker and the ``--roomkit-live`` switch for live-tier suites.
"""

from roomkit_contracts.aec import AECProviderContract
from roomkit_contracts.ai import WEATHER_TOOL, AIProviderContract
from roomkit_contracts.base import ContractSuite, scenario_helper
from roomkit_contracts.dtmf import DTMFDetectorContract
from roomkit_contracts.identity import IdentityResolverContract, IdentityScenario
from roomkit_contracts.locks import RoomLockManagerContract
from roomkit_contracts.memory import MemoryProviderContract
from roomkit_contracts.messaging import MessageProviderContract, MessageProviderScenario, Received
from roomkit_contracts.realtime import Inbox, RealtimeBackendContract
from roomkit_contracts.realtime_voice import RealtimeScenario, RealtimeVoiceProviderContract
from roomkit_contracts.sources import SourceProviderContract, SourceScenario
from roomkit_contracts.speech import (
    STTProviderContract,
    STTScenario,
    TTSProviderContract,
)
from roomkit_contracts.store import ConversationStoreContract
from roomkit_contracts.vad import VADProviderContract
from roomkit_contracts.voice_backend import BackendScenario, VoiceBackendContract
from roomkit_contracts.webhooks import WebhookParserContract, WebhookScenario

__all__ = [
    "WEATHER_TOOL",
    "AECProviderContract",
    "AIProviderContract",
    "BackendScenario",
    "ContractSuite",
    "ConversationStoreContract",
    "DTMFDetectorContract",
    "IdentityResolverContract",
    "IdentityScenario",
    "Inbox",
    "MemoryProviderContract",
    "MessageProviderContract",
    "MessageProviderScenario",
    "RealtimeBackendContract",
    "RealtimeScenario",
    "RealtimeVoiceProviderContract",
    "Received",
    "RoomLockManagerContract",
    "STTProviderContract",
    "STTScenario",
    "SourceProviderContract",
    "SourceScenario",
    "TTSProviderContract",
    "VADProviderContract",
    "VoiceBackendContract",
    "WebhookParserContract",
    "WebhookScenario",
    "scenario_helper",
]
