"""MockSTTProvider for tests."""

from roomkit.plugins.builtin.mock_speech import MockSTTProvider

__all__ = ["MockSTTProvider"]
