"""The scripted diarization stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockDiarizationProvider,
)

__all__ = ["MockDiarizationProvider"]
