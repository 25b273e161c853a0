"""The scripted turn stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockTurnDetector,
)

__all__ = ["MockTurnDetector"]
