"""Settings of the Sinch SMS provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY


class SinchConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_plan_id: str = Field(min_length=1)
    api_token: SecretStr
    from_number: str = Field(min_length=1)
    #: us, eu, au, br or ca: picks https://{region}.sms.api.sinch.com.
    region: str = "us"
    #: Replaces the regional endpoint (a proxy, a fake).
    base_url: str | None = None
    #: Where Sinch posts per-recipient delivery reports for messages sent by this provider.
    callback_url: str | None = None
    #: The HMAC secret configured for callbacks; inbound webhooks are refused until it is set.
    webhook_secret: SecretStr | None = None
    webhook_tolerance_seconds: float = Field(default=300.0, gt=0)
    #: Sinch accepts at most 2000 characters per batch body; longer text goes as several.
    max_text_chars: int = Field(default=2000, gt=0, le=2000)
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY

    @property
    def endpoint(self) -> str:
        return (self.base_url or f"https://{self.region}.sms.api.sinch.com").rstrip("/")
