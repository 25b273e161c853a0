"""A recording SMS provider for tests."""

from roomkit.plugins.builtin.mock_messaging import MockMessageProvider, SentMessage

MockSMSProvider = MockMessageProvider

__all__ = ["MockMessageProvider", "MockSMSProvider", "SentMessage"]
