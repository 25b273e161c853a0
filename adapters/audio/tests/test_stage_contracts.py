"""The numpy stages pass the voice contract suites as real signal processing (not scripted)."""

from __future__ import annotations

import pytest

from roomkit_audio.stages import (
    EnergyVADProvider,
    GoertzelDTMFProvider,
    NLMSAECProvider,
)
from roomkit_contracts import AECProviderContract, DTMFDetectorContract, VADProviderContract


class TestEnergyVAD(VADProviderContract):
    @pytest.fixture
    def vad(self) -> EnergyVADProvider:
        return EnergyVADProvider()


class TestGoertzelDTMF(DTMFDetectorContract):
    @pytest.fixture
    def dtmf_detector(self) -> GoertzelDTMFProvider:
        return GoertzelDTMFProvider()


class TestNLMSEchoCanceller(AECProviderContract):
    min_erle_db = 15.0

    @pytest.fixture
    def aec(self) -> NLMSAECProvider:
        return NLMSAECProvider(16000)
