"""The scripted resampler stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockResampler,
)

__all__ = ["MockResampler"]
