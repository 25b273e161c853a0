"""Settings of the Twilio providers (SMS/MMS and RCS)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from roomkit.domain.channel import RetryPolicy

DEFAULT_RETRY = RetryPolicy(max_retries=3, base_delay_seconds=0.5, max_delay_seconds=8.0)

#: Twilio refuses a Body longer than this (error 21617); longer text goes as several messages.
MAX_BODY_CHARS = 1600


class _TwilioBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_sid: str = Field(min_length=1)
    auth_token: SecretStr
    #: Where Twilio posts delivery reports for messages sent by this provider.
    status_callback: str | None = None
    #: Replaces https://api.twilio.com (a proxy, an edge location, a fake).
    base_url: str | None = None
    #: A webhook SharedKey secret, for webhooks signed with one instead of the Auth Token.
    webhook_shared_key: SecretStr | None = None
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY
    max_body_chars: int = Field(default=MAX_BODY_CHARS, gt=0, le=MAX_BODY_CHARS)


class TwilioConfig(_TwilioBase):
    """SMS/MMS: send from ``from_number``, or through ``messaging_service_sid``."""

    from_number: str | None = None
    messaging_service_sid: str | None = None

    @model_validator(mode="after")
    def _a_sender(self) -> TwilioConfig:
        if not self.from_number and not self.messaging_service_sid:
            raise ValueError("TwilioConfig needs from_number or messaging_service_sid")
        return self


class TwilioRCSConfig(_TwilioBase):
    """RCS goes through an RCS-enabled Messaging Service (Twilio falls back to SMS itself)."""

    messaging_service_sid: str = Field(min_length=1)
