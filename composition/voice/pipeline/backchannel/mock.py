"""The scripted backchannel stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockBackchannelDetector,
)

__all__ = ["MockBackchannelDetector"]
