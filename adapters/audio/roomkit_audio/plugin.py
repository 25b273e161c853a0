"""Registers the numpy stages with RoomKit (entry point group ``roomkit``, name ``audio``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

from roomkit.domain.voice import AGCConfig, VADConfig
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit_audio.stages import (
    EnergyVADProvider,
    GainControlProvider,
    GoertzelDTMFProvider,
    LinearResamplerProvider,
    NLMSAECProvider,
    SincResamplerProvider,
    SpectralDenoiserProvider,
    WavAudioRecorder,
)


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SincSettings(_Settings):
    taps: int = 32


class VADSettings(_Settings):
    silence_threshold_ms: float = 500.0
    min_speech_ms: float = 100.0
    speech_pad_ms: float = 200.0


class AGCSettings(_Settings):
    target_level_dbfs: float = -18.0
    max_gain_db: float = 30.0


class AECSettings(_Settings):
    sample_rate: int = 16000


class RecorderSettings(_Settings):
    directory: str | None = None


def _factory(cls: type, build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def factory(settings: Any) -> Any:
        return build(settings)

    factory.adapter_class = cls  # type: ignore[attr-defined]
    factory.__doc__ = cls.__doc__
    return factory


@hookimpl
def roomkit_register_resamplers(register: Register) -> None:
    register(
        name="linear",
        factory=_factory(LinearResamplerProvider, lambda s: LinearResamplerProvider()),
    )
    register(
        name="sinc",
        factory=_factory(SincResamplerProvider, lambda s: SincResamplerProvider(s.taps)),
        settings=SincSettings,
    )


@hookimpl
def roomkit_register_vad_providers(register: Register) -> None:
    register(
        name="energy",
        factory=_factory(
            EnergyVADProvider, lambda s: EnergyVADProvider(VADConfig(**s.model_dump()))
        ),
        settings=VADSettings,
    )


@hookimpl
def roomkit_register_agc_providers(register: Register) -> None:
    register(
        name="numpy",
        factory=_factory(
            GainControlProvider, lambda s: GainControlProvider(AGCConfig(**s.model_dump()))
        ),
        settings=AGCSettings,
    )


@hookimpl
def roomkit_register_aec_providers(register: Register) -> None:
    register(
        name="nlms",
        factory=_factory(NLMSAECProvider, lambda s: NLMSAECProvider(s.sample_rate)),
        settings=AECSettings,
    )


@hookimpl
def roomkit_register_denoisers(register: Register) -> None:
    register(
        name="spectral-subtraction",
        factory=_factory(SpectralDenoiserProvider, lambda s: SpectralDenoiserProvider()),
    )


@hookimpl
def roomkit_register_dtmf_detectors(register: Register) -> None:
    register(
        name="goertzel",
        factory=_factory(GoertzelDTMFProvider, lambda s: GoertzelDTMFProvider()),
    )


@hookimpl
def roomkit_register_audio_recorders(register: Register) -> None:
    register(
        name="wav",
        factory=_factory(WavAudioRecorder, lambda s: WavAudioRecorder(s.directory)),
        settings=RecorderSettings,
    )
