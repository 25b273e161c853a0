"""Bindings, capabilities and per-binding resilience settings."""

from roomkit.domain.channel import ChannelBinding, ChannelCapabilities, RateLimit, RetryPolicy
from roomkit.domain.delivery import ChannelOutput

__all__ = ["ChannelBinding", "ChannelCapabilities", "ChannelOutput", "RateLimit", "RetryPolicy"]
