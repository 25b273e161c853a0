"""The numpy DSP classes as RoomKit voice pipeline stages (adapters of the stage ports)."""

from roomkit_audio.stages.dynamics import GainControlProvider, SpectralDenoiserProvider
from roomkit_audio.stages.echo import NLMSAECProvider
from roomkit_audio.stages.keypad import GoertzelDTMFProvider
from roomkit_audio.stages.recording import WavAudioRecorder
from roomkit_audio.stages.resampling import LinearResamplerProvider, SincResamplerProvider
from roomkit_audio.stages.speech import EnergyVADProvider

__all__ = [
    "EnergyVADProvider",
    "GainControlProvider",
    "GoertzelDTMFProvider",
    "LinearResamplerProvider",
    "NLMSAECProvider",
    "SincResamplerProvider",
    "SpectralDenoiserProvider",
    "WavAudioRecorder",
]
