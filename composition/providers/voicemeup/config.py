"""From the adapter package installed by the ``roomkit[voicemeup]`` extra."""

try:
    from roomkit_voicemeup import VoiceMeUpConfig
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.voicemeup.config", "voicemeup") from exc

__all__ = ["VoiceMeUpConfig"]
