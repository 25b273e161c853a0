"""The scripted denoiser stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockDenoiserProvider,
)

__all__ = ["MockDenoiserProvider"]
