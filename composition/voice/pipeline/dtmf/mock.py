"""The scripted dtmf stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockDTMFDetector,
)

__all__ = ["MockDTMFDetector"]
