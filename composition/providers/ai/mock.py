"""The scripted AI provider for tests."""

from roomkit.plugins.builtin.mock_ai import MockAIProvider

__all__ = ["MockAIProvider"]
