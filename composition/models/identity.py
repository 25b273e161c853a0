"""Identities and identity resolution results."""

from roomkit.domain.identity import Identity, IdentityHookResult, IdentityResult

__all__ = ["Identity", "IdentityHookResult", "IdentityResult"]
