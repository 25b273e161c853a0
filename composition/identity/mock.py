"""A scripted identity resolver for tests."""

from roomkit.plugins.builtin.mock_identity import MockIdentityResolver

__all__ = ["MockIdentityResolver"]
