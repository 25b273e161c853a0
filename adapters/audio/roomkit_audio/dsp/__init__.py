"""Streaming audio DSP on numpy: every stage takes and returns mono int16 PCM arrays.

The modules import nothing from the roomkit core, so they can be used on their own and are
wrapped as voice pipeline stages elsewhere.
"""

from roomkit_audio.dsp.aec import NLMSEchoCanceller
from roomkit_audio.dsp.agc import AutomaticGainControl
from roomkit_audio.dsp.denoise import SpectralSubtractionDenoiser
from roomkit_audio.dsp.dtmf import DTMF_DIGITS, DTMFTone, GoertzelDTMFDetector
from roomkit_audio.dsp.levels import peak_dbfs, rms_dbfs
from roomkit_audio.dsp.mixer import AudioMixer, mix
from roomkit_audio.dsp.pcm import SUPPORTED_RATES, as_pcm, check_rate, pcm_from_bytes
from roomkit_audio.dsp.resample import LinearResampler, SincResampler
from roomkit_audio.dsp.vad import EnergyVAD, VADDecision
from roomkit_audio.dsp.wav import MixedCallWriter, StereoCallWriter, WavWriter

__all__ = [
    "DTMF_DIGITS",
    "SUPPORTED_RATES",
    "AudioMixer",
    "AutomaticGainControl",
    "DTMFTone",
    "EnergyVAD",
    "GoertzelDTMFDetector",
    "LinearResampler",
    "MixedCallWriter",
    "NLMSEchoCanceller",
    "SincResampler",
    "SpectralSubtractionDenoiser",
    "StereoCallWriter",
    "VADDecision",
    "WavWriter",
    "as_pcm",
    "check_rate",
    "mix",
    "pcm_from_bytes",
    "peak_dbfs",
    "rms_dbfs",
]
