"""Settings of the Facebook Messenger provider."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY


class MessengerConfig(BaseModel):
    """``page_access_token`` sends as the Page; ``app_secret`` checks webhook signatures
    (X-Hub-Signature-256) and signs each call (``appsecret_proof``); ``verify_token`` answers
    the subscription check Meta sends as a GET when the webhook URL is registered."""

    model_config = ConfigDict(extra="forbid")

    page_access_token: SecretStr
    app_secret: SecretStr
    verify_token: SecretStr | None = None
    #: Replaces https://graph.facebook.com (a proxy, a fake).
    base_url: str = "https://graph.facebook.com"
    api_version: str = Field(default="v21.0", pattern=r"^v\d+\.\d+$")
    #: RESPONSE within the 24-hour window; MESSAGE_TAG (with ``tag``) or UPDATE outside it.
    messaging_type: Literal["RESPONSE", "UPDATE", "MESSAGE_TAG"] = "RESPONSE"
    tag: str | None = None
    #: Messenger takes at most 2000 characters of text per message; longer text goes as several.
    max_text_chars: int = Field(default=2000, gt=0, le=2000)
    #: Send ``appsecret_proof`` with each call (required when the app enforces it).
    appsecret_proof: bool = True
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY

    @property
    def endpoint(self) -> str:
        return f"{self.base_url.rstrip('/')}/{self.api_version}"
