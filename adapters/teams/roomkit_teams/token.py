"""The bot's own access token: OAuth2 client credentials from the login endpoint, cached until
shortly before it expires, fetched once however many sends wait for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from roomkit_http import VendorHTTP
from roomkit_teams.config import TeamsConfig


class TokenError(Exception):
    """The login endpoint refused the bot's credentials or answered garbage."""


class AccessTokens:
    def __init__(self, config: TeamsConfig, http: VendorHTTP, now: Callable[[], float]) -> None:
        self._config = config
        self._http = http
        self._now = now
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetched = 0

    async def get(self) -> str:
        if self._valid():
            assert self._token is not None
            return self._token
        async with self._lock:
            if not self._valid():
                await self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (the Connector refused it); the next ``get`` fetches a new one."""
        if self._token == token:
            self._token = None

    def _valid(self) -> bool:
        margin = self._config.token_refresh_margin_seconds
        return self._token is not None and self._now() < self._expires_at - margin

    async def _fetch(self) -> None:
        c = self._config
        response = await self._http.request(
            "POST",
            c.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": c.app_id,
                "client_secret": c.app_password.get_secret_value(),
                "scope": c.scope,
            },
        )
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 300 or not isinstance(data, dict):
            said = data.get("error_description") or data.get("error") if data else response.text
            raise TokenError(
                f"the login endpoint answered HTTP {response.status_code}: {str(said)[:200]}"
            )
        token, lifetime = data.get("access_token"), data.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
            raise TokenError("the login endpoint answered without access_token and expires_in")
        self._token = token
        self._expires_at = self._now() + float(lifetime)
        self.fetched += 1
