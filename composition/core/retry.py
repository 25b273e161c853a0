"""Retry with exponential backoff."""

from roomkit.application.policies.retry import retry_with_backoff
from roomkit.domain.channel import RetryPolicy

__all__ = ["RetryPolicy", "retry_with_backoff"]
