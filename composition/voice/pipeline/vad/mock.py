"""The scripted vad stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockVADProvider,
)

__all__ = ["MockVADProvider"]
