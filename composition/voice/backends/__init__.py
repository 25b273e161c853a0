"""Voice backends: the port here, the mock in ``.mock``, vendors through ``roomkit.voice``."""

from roomkit.ports.voice import VoiceBackend

__all__ = ["VoiceBackend"]
