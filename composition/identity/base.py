"""The IdentityResolver port."""

from roomkit.ports.identity import IdentityResolver

__all__ = ["IdentityResolver"]
