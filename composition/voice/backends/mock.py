"""MockVoiceBackend for tests."""

from roomkit.plugins.builtin.mock_voice_backend import MockBackendCall, MockVoiceBackend

__all__ = ["MockBackendCall", "MockVoiceBackend"]
