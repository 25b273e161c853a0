"""MockTTSProvider for tests."""

from roomkit.plugins.builtin.mock_speech import MockTTSProvider

__all__ = ["MockTTSProvider"]
