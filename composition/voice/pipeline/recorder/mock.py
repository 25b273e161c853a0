"""The scripted recorder stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockAudioRecorder,
)

__all__ = ["MockAudioRecorder"]
