"""Settings of the Telnyx providers (SMS/MMS and RCS)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY

DEFAULT_BASE_URL = "https://api.telnyx.com"


class _TelnyxBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: SecretStr
    messaging_profile_id: str | None = None
    #: The account's Ed25519 public key (base64, from the Mission Control portal): webhooks
    #: are refused until it is set.
    public_key: str | None = None
    #: Where Telnyx posts delivery reports for messages sent by this provider.
    webhook_url: str | None = None
    #: Replaces https://api.telnyx.com (a proxy, a regional endpoint, a fake).
    base_url: str | None = None
    webhook_tolerance_seconds: float = Field(default=300.0, gt=0)
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY


class TelnyxConfig(_TelnyxBase):
    """SMS/MMS from ``from_number`` (or a number pool through ``messaging_profile_id``)."""

    from_number: str | None = None
    #: Telnyx refuses longer text; longer messages are sent as several.
    max_text_chars: int = Field(default=1600, gt=0)

    @model_validator(mode="after")
    def _a_sender(self) -> TelnyxConfig:
        if not self.from_number and not self.messaging_profile_id:
            raise ValueError("TelnyxConfig needs from_number or messaging_profile_id")
        return self


class TelnyxRCSConfig(_TelnyxBase):
    """RCS from the brand agent ``agent_id``."""

    agent_id: str = Field(min_length=1)
    max_text_chars: int = Field(default=3072, gt=0)
