"""The scripted postprocessor stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockPostProcessor,
)

__all__ = ["MockPostProcessor"]
