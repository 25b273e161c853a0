"""Token-bucket rate limiting."""

from roomkit.application.policies.rate_limit import TokenBucketRateLimiter
from roomkit.domain.channel import RateLimit

__all__ = ["RateLimit", "TokenBucketRateLimiter"]
