"""Settings of the generic HTTP webhook provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http.client import DEFAULT_RETRY


class HTTPProviderConfig(BaseModel):
    """``url`` receives one JSON POST per message and recipient; ``headers`` go with each
    (kept out of repr, they usually hold a token). With ``secret`` each POST is signed
    (X-RoomKit-Signature, HMAC-SHA256); ``webhook_secret`` authenticates what the other side
    posts back to ``kit.process_webhook``. ``base_url`` replaces the scheme and host of ``url``
    (a proxy, a regional endpoint, a fake)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict, repr=False)
    secret: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    base_url: str | None = None
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY
    webhook_tolerance_seconds: float = Field(default=300.0, gt=0)
