"""Settings of the Elastic Email provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY

DEFAULT_BASE_URL = "https://api.elasticemail.com"


class ElasticEmailConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: SecretStr
    from_email: str = Field(min_length=3)
    from_name: str | None = None
    #: Subject of a message whose event metadata names none (``metadata["subject"]``).
    subject: str = "New message"
    #: Elastic Email signs neither notifications nor inbound mail posts: put this secret in
    #: their URLs (``?token=...``); webhooks are refused until it is set.
    webhook_token: SecretStr | None = None
    #: Replaces https://api.elasticemail.com (a proxy, a fake).
    base_url: str | None = None
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY
