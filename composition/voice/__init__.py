"""Voice: VoiceChannel, the audio pipeline, and lazy loaders for vendor adapters.

``get_<vendor>_provider()`` returns the class an installed adapter distribution registered
through the plugin registry; without the distribution it raises ImportError naming the extra.
"""

from roomkit.application.voice.channel import VoiceChannel
from roomkit.domain.voice import (
    AudioFrame,
    InterruptionConfig,
    InterruptionStrategy,
    TranscriptionResult,
    VoiceCapability,
    VoiceSession,
)
from roomkit.ports.voice import AudioPipelineConfig, STTProvider, TTSProvider, VoiceBackend
from roomkit.voice.loaders import config_loader, module_getattr, provider_loader

get_deepgram_provider = provider_loader("stt_provider", "deepgram", "deepgram")
get_deepgram_config = config_loader("stt_provider", "deepgram", "deepgram")
get_elevenlabs_provider = provider_loader("tts_provider", "elevenlabs", "elevenlabs")
get_elevenlabs_config = config_loader("tts_provider", "elevenlabs", "elevenlabs")
get_sherpa_onnx_stt_provider = provider_loader("stt_provider", "sherpa-onnx", "sherpa-onnx")
get_sherpa_onnx_stt_config = config_loader("stt_provider", "sherpa-onnx", "sherpa-onnx")
get_sherpa_onnx_tts_provider = provider_loader("tts_provider", "sherpa-onnx", "sherpa-onnx")
get_sherpa_onnx_tts_config = config_loader("tts_provider", "sherpa-onnx", "sherpa-onnx")
get_sherpa_onnx_vad_provider = provider_loader("vad_provider", "sherpa-onnx", "sherpa-onnx")
get_sherpa_onnx_vad_config = config_loader("vad_provider", "sherpa-onnx", "sherpa-onnx")
get_sherpa_onnx_denoiser_provider = provider_loader("denoiser", "sherpa-onnx", "sherpa-onnx")
get_sherpa_onnx_denoiser_config = config_loader("denoiser", "sherpa-onnx", "sherpa-onnx")
get_gradium_stt_provider = provider_loader("stt_provider", "gradium", "gradium")
get_gradium_tts_provider = provider_loader("tts_provider", "gradium", "gradium")
get_qwen3_asr_provider = provider_loader("stt_provider", "qwen3-asr", "qwen-asr")
get_qwen3_tts_provider = provider_loader("tts_provider", "qwen3-tts", "qwen-tts")
get_neutts_provider = provider_loader("tts_provider", "neutts", "neutts")
get_grok_tts_provider = provider_loader("tts_provider", "grok", "xai")
get_grok_tts_config = config_loader("tts_provider", "grok", "xai")
get_twilio_media_backend = provider_loader("voice_backend", "twilio-media", "twilio-media")
get_local_audio_backend = provider_loader("voice_backend", "local-audio", "local-audio")
get_fastrtc_backend = provider_loader("voice_backend", "fastrtc", "fastrtc")
get_rtp_backend = provider_loader("voice_backend", "rtp", "rtp")
get_sip_backend = provider_loader("voice_backend", "sip", "sip")
get_webtransport_backend = provider_loader("voice_backend", "webtransport", "webtransport")
get_speex_aec_provider = provider_loader("aec_provider", "speex", "speex-aec")
get_webrtc_aec_provider = provider_loader("aec_provider", "webrtc", "webrtc-aec")
get_rnnoise_denoiser_provider = provider_loader("denoiser", "rnnoise", "rnnoise")
get_smart_turn_detector = provider_loader("turn_detector", "smart-turn", "smart-turn")
get_gemini_live_provider = provider_loader(
    "realtime_voice_provider", "gemini-live", "realtime-gemini"
)
get_gemini_live_config = config_loader("realtime_voice_provider", "gemini-live", "realtime-gemini")
get_openai_realtime_provider = provider_loader(
    "realtime_voice_provider", "openai-realtime", "realtime-openai"
)
get_openai_realtime_config = config_loader(
    "realtime_voice_provider", "openai-realtime", "realtime-openai"
)
get_xai_realtime_provider = provider_loader(
    "realtime_voice_provider", "xai-realtime", "realtime-xai"
)
get_xai_realtime_config = config_loader("realtime_voice_provider", "xai-realtime", "realtime-xai")
get_websocket_realtime_transport = provider_loader(
    "realtime_transport", "websocket", "realtime-websocket"
)
get_fastrtc_realtime_transport = provider_loader("realtime_transport", "fastrtc", "fastrtc")

# the documented vendor class names, resolved through the registry like the loaders above
__getattr__ = module_getattr(
    "roomkit.voice",
    {
        "DeepgramSTTProvider": ("stt_provider", "deepgram", "deepgram"),
        "SherpaOnnxSTTProvider": ("stt_provider", "sherpa-onnx", "sherpa-onnx"),
        "GradiumSTTProvider": ("stt_provider", "gradium", "gradium"),
        "Qwen3ASRProvider": ("stt_provider", "qwen3-asr", "qwen-asr"),
        "ElevenLabsTTSProvider": ("tts_provider", "elevenlabs", "elevenlabs"),
        "SherpaOnnxTTSProvider": ("tts_provider", "sherpa-onnx", "sherpa-onnx"),
        "GradiumTTSProvider": ("tts_provider", "gradium", "gradium"),
        "Qwen3TTSProvider": ("tts_provider", "qwen3-tts", "qwen-tts"),
        "NeuTTSProvider": ("tts_provider", "neutts", "neutts"),
        "GrokTTSProvider": ("tts_provider", "grok", "xai"),
        "LocalAudioBackend": ("voice_backend", "local-audio", "local-audio"),
        "FastRTCVoiceBackend": ("voice_backend", "fastrtc", "fastrtc"),
        "RTPVoiceBackend": ("voice_backend", "rtp", "rtp"),
        "SIPVoiceBackend": ("voice_backend", "sip", "sip"),
        "TwilioMediaStreamsBackend": ("voice_backend", "twilio-media", "twilio-media"),
    },
)

__all__ = [
    "AudioFrame",
    "AudioPipelineConfig",
    "InterruptionConfig",
    "InterruptionStrategy",
    "STTProvider",
    "TTSProvider",
    "TranscriptionResult",
    "VoiceBackend",
    "VoiceCapability",
    "VoiceChannel",
    "VoiceSession",
    *[name for name in dir() if name.startswith("get_")],
]
