"""Settings of the WhatsApp Business (Cloud API) provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v22.0"

#: The Cloud API's limit on a text message body; longer text goes as several messages.
MAX_TEXT_CHARS = 4096


class WhatsAppConfig(BaseModel):
    """What ``WhatsAppProvider(...)`` takes, as a settings model (the registry and
    ``RoomKit.from_config`` build the provider from it)."""

    model_config = ConfigDict(extra="forbid")

    access_token: SecretStr
    phone_number_id: str = Field(min_length=1)
    #: The Meta app's secret: webhooks are refused until it is set (X-Hub-Signature-256).
    app_secret: SecretStr | None = None
    #: The token you typed in the app dashboard; the GET verification handshake checks it.
    verify_token: str | None = None
    #: Replaces https://graph.facebook.com (a proxy, a fake).
    base_url: str | None = None
    api_version: str = Field(default=DEFAULT_API_VERSION, pattern=r"^v\d+\.\d+$")
    #: Refuse free-form messages outside the 24-hour customer-service window (templates pass).
    enforce_window: bool = True
    max_text_chars: int = Field(default=MAX_TEXT_CHARS, gt=0, le=MAX_TEXT_CHARS)
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY

    @property
    def endpoint(self) -> str:
        return (self.base_url or DEFAULT_BASE_URL).rstrip("/")
