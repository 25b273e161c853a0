"""Settings of the VoiceMeUp SMS provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY


class VoiceMeUpConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1)
    auth_token: SecretStr
    from_number: str = Field(min_length=1)
    #: "production" (clients.voicemeup.com) or "sandbox" (dev-clients.voicemeup.com).
    environment: str = "production"
    #: Replaces the environment's host (a proxy, a fake).
    base_url: str | None = None
    #: VoiceMeUp does not sign its webhooks: put this secret in the webhook URL
    #: (``?token=...``); inbound messages are refused until it is set.
    webhook_token: SecretStr | None = None
    #: How long the text half of a split MMS waits for its media half before it is let through
    #: alone (on the next webhook, or ``flush_pending_mms``).
    mms_wait_seconds: float = Field(default=10.0, gt=0)
    #: VoiceMeUp takes at most 1000 characters per message; longer text goes as several.
    max_text_chars: int = Field(default=1000, gt=0, le=1000)
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY

    @property
    def endpoint(self) -> str:
        if self.base_url:
            return self.base_url.rstrip("/")
        host = "dev-clients" if self.environment == "sandbox" else "clients"
        return f"https://{host}.voicemeup.com"
