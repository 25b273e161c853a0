"""The scripted agc stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockAGCProvider,
)

__all__ = ["MockAGCProvider"]
