"""Settings of the Microsoft Teams (Bot Framework) provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit_http import DEFAULT_RETRY

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


class TeamsConfig(BaseModel):
    """``app_id`` and ``app_password`` are the bot's Microsoft App ID and client secret.
    ``tenant_id`` makes a single-tenant bot ask its own tenant for tokens (multi-tenant bots
    use ``botframework.com``). ``login_url``, ``openid_metadata_url`` and ``base_url`` point at
    a proxy or a fake; ``base_url`` then also replaces every conversation's serviceUrl."""

    model_config = ConfigDict(extra="forbid")

    app_id: str = Field(min_length=1)
    app_password: SecretStr
    tenant_id: str | None = None
    #: Connector calls go here instead of the conversation's serviceUrl (a proxy, a fake).
    base_url: str | None = None
    #: serviceUrl for a conversation id sent to without a stored conversation reference.
    default_service_url: str | None = None
    login_url: str = "https://login.microsoftonline.com"
    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    scope: str = "https://api.botframework.com/.default"
    #: Issuers accepted on inbound activities' tokens.
    issuers: list[str] = Field(default_factory=lambda: [BOT_FRAMEWORK_ISSUER])
    #: Clock skew allowed on the tokens' ``exp`` and ``nbf``.
    jwt_leeway_seconds: float = Field(default=300.0, ge=0)
    #: The signing keys are fetched again after this long (Microsoft rotates them).
    keys_max_age_seconds: float = Field(default=24 * 3600.0, gt=0)
    #: An unknown key id triggers a refresh at most this often (no refetch storm on junk).
    unknown_key_refresh_seconds: float = Field(default=60.0, ge=0)
    #: An access token is renewed this long before it expires.
    token_refresh_margin_seconds: float = Field(default=300.0, ge=0)
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY

    @property
    def token_url(self) -> str:
        tenant = self.tenant_id or "botframework.com"
        return f"{self.login_url.rstrip('/')}/{tenant}/oauth2/v2.0/token"
