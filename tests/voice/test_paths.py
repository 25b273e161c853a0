"""Documented voice import paths: lazy loaders and numpy stage names resolve through the plugin
registry, and say which extra to install when the adapter distribution is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from roomkit.plugins import hookimpl
from roomkit.plugins import registry as registry_module
from roomkit.plugins.hookspecs import Register
from roomkit.ports.voice import STTProvider


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    registry_module.reset_default_registry()
    yield
    registry_module.reset_default_registry()


@pytest.fixture
def no_installed_plugins(monkeypatch: pytest.MonkeyPatch, fresh_registry: None) -> None:
    """As if no adapter distribution were installed (the workspace installs the vendors)."""
    monkeypatch.setenv(registry_module.AUTOLOAD_ENV, "1")


class VendorConfig(BaseModel):
    api_key: str
    model: str = "nova-2"


class VendorSTT(STTProvider):
    def __init__(self, config: VendorConfig) -> None:
        self.config = config

    async def transcribe(self, audio):  # type: ignore[no-untyped-def]
        raise NotImplementedError


class VendorPlugin:
    @hookimpl
    def roomkit_register_stt_providers(self, register: Register) -> None:
        def factory(settings: VendorConfig) -> VendorSTT:
            return VendorSTT(settings)

        factory.adapter_class = VendorSTT  # type: ignore[attr-defined]
        register(name="deepgram", factory=factory, settings=VendorConfig)


def test_a_loader_returns_the_class_and_config_an_installed_plugin_registered(
    monkeypatch: pytest.MonkeyPatch, no_installed_plugins: None
) -> None:
    plugins = registry_module.make_plugin_manager(extra_plugins=[VendorPlugin()])
    monkeypatch.setattr(registry_module, "_default", registry_module.Registry(plugins))
    from roomkit.voice import get_deepgram_config, get_deepgram_provider

    provider_class, config_class = get_deepgram_provider(), get_deepgram_config()
    assert provider_class is VendorSTT and config_class is VendorConfig
    stt = provider_class(config_class(api_key="k"))
    assert stt.config.model == "nova-2"


def test_loaders_without_their_package_name_the_extra(no_installed_plugins: None) -> None:
    import roomkit.voice as voice

    for loader, extra in [
        (voice.get_deepgram_provider, "deepgram"),
        (voice.get_elevenlabs_config, "elevenlabs"),
        (voice.get_sherpa_onnx_vad_provider, "sherpa-onnx"),
        (voice.get_local_audio_backend, "local-audio"),
        (voice.get_speex_aec_provider, "speex-aec"),
        (voice.get_fastrtc_realtime_transport, "fastrtc"),
    ]:
        with pytest.raises(ImportError, match=rf"--find-links dist \"roomkit\[{extra}\]\""):
            loader()


def test_numpy_stage_names_need_roomkit_audio(
    monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    from roomkit.voice.pipeline.resampler import LinearResamplerProvider

    assert LinearResamplerProvider.__module__.startswith("roomkit_audio")
    monkeypatch.setenv(registry_module.AUTOLOAD_ENV, "1")  # as if roomkit-audio were absent
    registry_module.reset_default_registry()
    with pytest.raises(ImportError, match=r"--find-links dist \"roomkit\[audio\]\""):
        from roomkit.voice.pipeline.vad import EnergyVADProvider  # noqa: F401
    with pytest.raises(AttributeError, match="NoSuchStage"):
        from roomkit.voice.pipeline import resampler

        resampler.NoSuchStage  # noqa: B018
