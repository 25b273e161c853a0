"""Plugin hooks: how a package contributes adapters, one hook per port.

Each hook receives ``register`` and calls it once per adapter::

    register(name="memory", factory=InMemoryStore, settings=MySettings, capabilities={"x"})

``factory`` is called with the validated settings model as its first argument, plus any of the
keyword dependencies the composition root offers (``store``, ``clock``) that its signature names.
Hookspecs are append-only: arguments may be added, never renamed or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from pydantic import BaseModel

from roomkit.plugins.markers import hookspec


class Register(Protocol):
    def __call__(
        self,
        *,
        name: str,
        factory: Callable[..., Any],
        settings: type[BaseModel] | None = None,
        capabilities: Iterable[str] = (),
        description: str = "",
    ) -> None: ...


@hookspec
def roomkit_register_stores(register: Register) -> None:
    """Contribute ConversationStore adapters. Since version 1."""


@hookspec
def roomkit_register_lock_managers(register: Register) -> None:
    """Contribute RoomLockManager adapters. Since version 1."""


@hookspec
def roomkit_register_realtime_backends(register: Register) -> None:
    """Contribute RealtimeBackend adapters. Since version 1."""


@hookspec
def roomkit_register_identity_resolvers(register: Register) -> None:
    """Contribute IdentityResolver adapters. Since version 1."""


@hookspec
def roomkit_register_inbound_routers(register: Register) -> None:
    """Contribute InboundRoomRouter adapters; factories may take ``store``. Since version 1."""


@hookspec
def roomkit_register_ai_providers(register: Register) -> None:
    """Contribute AIProvider adapters. Since version 1."""


@hookspec
def roomkit_register_channels(register: Register) -> None:
    """Contribute Channel classes; factories take ``channel_id``. Since version 1."""


@hookspec
def roomkit_register_telemetry_providers(register: Register) -> None:
    """Contribute TelemetryProvider adapters. Since version 1."""


@hookspec
def roomkit_register_clocks(register: Register) -> None:
    """Contribute Clock adapters. Since version 1."""


@hookspec
def roomkit_register_sources(register: Register) -> None:
    """Contribute SourceProvider adapters (event sources). Since version 2."""


@hookspec
def roomkit_register_voice_backends(register: Register) -> None:
    """Contribute VoiceBackend adapters. Since version 2."""


@hookspec
def roomkit_register_stt_providers(register: Register) -> None:
    """Contribute STTProvider adapters. Since version 2."""


@hookspec
def roomkit_register_tts_providers(register: Register) -> None:
    """Contribute TTSProvider adapters. Since version 2."""


@hookspec
def roomkit_register_vad_providers(register: Register) -> None:
    """Contribute VADProvider adapters. Since version 2."""


@hookspec
def roomkit_register_resamplers(register: Register) -> None:
    """Contribute Resampler adapters. Since version 2."""


@hookspec
def roomkit_register_aec_providers(register: Register) -> None:
    """Contribute AECProvider (echo cancellation) adapters. Since version 2."""


@hookspec
def roomkit_register_agc_providers(register: Register) -> None:
    """Contribute AGCProvider (automatic gain control) adapters. Since version 2."""


@hookspec
def roomkit_register_denoisers(register: Register) -> None:
    """Contribute DenoiserProvider adapters. Since version 2."""


@hookspec
def roomkit_register_diarization_providers(register: Register) -> None:
    """Contribute DiarizationProvider adapters. Since version 2."""


@hookspec
def roomkit_register_dtmf_detectors(register: Register) -> None:
    """Contribute DTMFDetector adapters. Since version 2."""


@hookspec
def roomkit_register_audio_recorders(register: Register) -> None:
    """Contribute AudioRecorder adapters. Since version 2."""


@hookspec
def roomkit_register_turn_detectors(register: Register) -> None:
    """Contribute TurnDetector adapters. Since version 2."""


@hookspec
def roomkit_register_backchannel_detectors(register: Register) -> None:
    """Contribute BackchannelDetector adapters. Since version 2."""


@hookspec
def roomkit_register_audio_postprocessors(register: Register) -> None:
    """Contribute AudioPostProcessor adapters. Since version 2."""


@hookspec
def roomkit_register_message_providers(register: Register) -> None:
    """Contribute MessageProvider adapters (SMS, RCS, email, HTTP vendors). Since version 2."""


@hookspec
def roomkit_register_webhook_parsers(register: Register) -> None:
    """Contribute WebhookParser adapters (a vendor's signed webhooks). Since version 2."""


@hookspec
def roomkit_register_realtime_voice_providers(register: Register) -> None:
    """Contribute RealtimeVoiceProvider (speech-to-speech model) adapters. Since version 3."""


@hookspec
def roomkit_register_realtime_transports(register: Register) -> None:
    """Contribute caller-side audio transports for realtime voice channels. Since version 3."""


#: plugin hook name -> the port it contributes to (the key used by ``Registry.create``).
PORT_OF_HOOK: dict[str, str] = {
    "roomkit_register_stores": "store",
    "roomkit_register_lock_managers": "lock_manager",
    "roomkit_register_realtime_backends": "realtime",
    "roomkit_register_identity_resolvers": "identity_resolver",
    "roomkit_register_inbound_routers": "inbound_router",
    "roomkit_register_ai_providers": "ai_provider",
    "roomkit_register_channels": "channel",
    "roomkit_register_telemetry_providers": "telemetry",
    "roomkit_register_clocks": "clock",
    "roomkit_register_sources": "source",
    "roomkit_register_voice_backends": "voice_backend",
    "roomkit_register_stt_providers": "stt_provider",
    "roomkit_register_tts_providers": "tts_provider",
    "roomkit_register_vad_providers": "vad_provider",
    "roomkit_register_resamplers": "resampler",
    "roomkit_register_aec_providers": "aec_provider",
    "roomkit_register_agc_providers": "agc_provider",
    "roomkit_register_denoisers": "denoiser",
    "roomkit_register_diarization_providers": "diarization_provider",
    "roomkit_register_dtmf_detectors": "dtmf_detector",
    "roomkit_register_audio_recorders": "audio_recorder",
    "roomkit_register_turn_detectors": "turn_detector",
    "roomkit_register_backchannel_detectors": "backchannel_detector",
    "roomkit_register_audio_postprocessors": "audio_postprocessor",
    "roomkit_register_message_providers": "message_provider",
    "roomkit_register_webhook_parsers": "webhook_parser",
    "roomkit_register_realtime_voice_providers": "realtime_voice_provider",
    "roomkit_register_realtime_transports": "realtime_transport",
}
