"""Hook results and injected events."""

from roomkit.domain.hooks import HookResult, InjectedEvent

__all__ = ["HookResult", "InjectedEvent"]
