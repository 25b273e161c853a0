"""Settings of the SendGrid email provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY

DEFAULT_BASE_URL = "https://api.sendgrid.com"


class SendGridConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: SecretStr
    from_email: str = Field(min_length=3)
    from_name: str | None = None
    #: Subject of a message whose event metadata names none (``metadata["subject"]``).
    subject: str = "New message"
    #: The Event Webhook's verification key (base64 of the ECDSA P-256 public key, as the
    #: SendGrid console shows it). Delivery events are refused until it is set.
    event_webhook_public_key: str | None = None
    #: Inbound Parse is not signed by SendGrid: put this secret in the Parse URL
    #: (``?token=...``) or as the Basic-auth password; inbound mail is refused without it.
    inbound_token: SecretStr | None = None
    #: Replaces https://api.sendgrid.com (a proxy, the EU subuser endpoint, a fake).
    base_url: str | None = None
    webhook_tolerance_seconds: float = Field(default=600.0, gt=0)
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY
