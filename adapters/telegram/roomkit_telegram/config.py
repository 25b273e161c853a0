"""Settings of the Telegram Bot API provider and polling source."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from roomkit.domain.channel import RetryPolicy

DEFAULT_RETRY = RetryPolicy(max_retries=3, base_delay_seconds=0.5, max_delay_seconds=8.0)


class TelegramConfig(BaseModel):
    """``bot_token`` is the token @BotFather gave; ``secret_token`` is what you pass to
    setWebhook and Telegram sends back in X-Telegram-Bot-Api-Secret-Token (webhooks are
    refused until it is set). ``parse_mode`` applies to plain text (TextContent): leave it None
    unless your texts are written in that markup."""

    model_config = ConfigDict(extra="forbid")

    bot_token: SecretStr
    #: Replaces https://api.telegram.org (a local Bot API server, a proxy, a fake).
    base_url: str = "https://api.telegram.org"
    secret_token: SecretStr | None = None
    parse_mode: Literal["HTML", "MarkdownV2", "Markdown"] | None = None
    disable_link_previews: bool = False
    #: Telegram takes at most 4096 characters per message and 1024 per media caption.
    max_text_chars: int = Field(default=4096, gt=0, le=4096)
    max_caption_chars: int = Field(default=1024, gt=0, le=1024)
    #: True: longer text goes as several messages; False: it is refused.
    split_long_text: bool = True
    timeout: float = Field(default=30.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if ":" not in token or any(c.isspace() or c == "/" for c in token):
            raise ValueError("bot_token must look like '123456:ABC-DEF...' (from @BotFather)")
        return value

    @field_validator("secret_token")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value()
        allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        if not 1 <= len(secret) <= 256 or not set(secret) <= allowed:
            raise ValueError("secret_token must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def endpoint(self) -> str:
        return f"{self.base_url.rstrip('/')}/bot{self.bot_token.get_secret_value()}"
