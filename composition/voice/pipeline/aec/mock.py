"""The scripted aec stage for tests."""

from roomkit.plugins.builtin.mock_voice_stages import (
    MockAECProvider,
)

__all__ = ["MockAECProvider"]
