"""Authenticating what the Bot Connector posts: the ``Authorization: Bearer`` JWT is checked
against Microsoft's signing keys (found through the OpenID metadata, cached, fetched again when
a token names a key not seen), then its issuer, audience (the bot's app id), expiry and the
``serviceurl`` claim, which must be the activity's serviceUrl.

The token proves who posted the activity, not what its body says (Bot Framework signs no
body; TLS protects it): the serviceUrl check ties the two together where it matters, since
replies go to that URL with the bot's credentials.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from roomkit.domain.errors import WebhookSignatureError
from roomkit.domain.webhook import WebhookRequest
from roomkit_http import VendorHTTP
from roomkit_teams.config import TeamsConfig

VENDOR = "teams"
log = logging.getLogger("roomkit.teams")


class SigningKeys:
    """Microsoft's JWKS, by key id, with each key's endorsements (channel ids it signs for)."""

    def __init__(self, config: TeamsConfig, http: VendorHTTP, now: Callable[[], float]) -> None:
        self._config = config
        self._http = http
        self._now = now
        self.keys: dict[str, tuple[jwt.PyJWK, list[str]]] = {}
        self.fetched_at: float | None = None
        self._unknown_refresh_at: float | None = None
        self.last_error: str | None = None

    async def ensure(self, kid: str | None) -> None:
        """Fetch the keys when none are cached, they are old, or ``kid`` is unknown."""
        now = self._now()
        if self.fetched_at is None or now - self.fetched_at > self._config.keys_max_age_seconds:
            await self.refresh()
        elif kid is not None and kid not in self.keys:
            last = self._unknown_refresh_at
            if last is None or now - last >= self._config.unknown_key_refresh_seconds:
                self._unknown_refresh_at = now
                await self.refresh()

    async def refresh(self) -> None:
        try:
            metadata = await self._json(self._config.openid_metadata_url)
            jwks_uri = metadata.get("jwks_uri")
            if not isinstance(jwks_uri, str) or not jwks_uri:
                raise ValueError("the OpenID metadata has no jwks_uri")
            document = await self._json(jwks_uri)
            keys: dict[str, tuple[jwt.PyJWK, list[str]]] = {}
            for entry in document.get("keys") or []:
                if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
                    continue
                try:
                    key = jwt.PyJWK(entry, algorithm="RS256")
                except jwt.PyJWTError:
                    continue
                endorsements = entry.get("endorsements")
                keys[entry["kid"]] = (key, [str(e) for e in endorsements or []])
        except (httpx.TransportError, httpx.TimeoutException, ValueError) as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("teams: could not fetch the Bot Framework signing keys: %s", exc)
            return
        self.keys = keys
        self.fetched_at = self._now()
        self.last_error = None

    async def _json(self, url: str) -> dict[str, Any]:
        response = await self._http.request("GET", url)
        if response.status_code != 200:
            raise ValueError(f"{url} answered HTTP {response.status_code}")
        data = response.json()
        if not isinstance(data, dict):
            raise ValueError(f"{url} did not answer a JSON object")
        return data


def bearer_of(request: WebhookRequest) -> str:
    header = request.header("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise WebhookSignatureError(VENDOR, "the Authorization: Bearer token is missing")
    return token.strip()


def key_id_of(request: WebhookRequest) -> str | None:
    """The key id the request's token names, read without trusting anything else in it."""
    try:
        kid = jwt.get_unverified_header(bearer_of(request)).get("kid")
    except (WebhookSignatureError, jwt.PyJWTError):
        return None
    return kid if isinstance(kid, str) else None


class ConnectorAuth:
    def __init__(self, config: TeamsConfig, keys: SigningKeys) -> None:
        self._config = config
        self._keys = keys

    def authenticate(self, request: WebhookRequest) -> dict[str, Any]:
        """The token's claims, or WebhookSignatureError saying what is wrong with it."""
        token = bearer_of(request)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise WebhookSignatureError(VENDOR, f"the bearer token is not a JWT ({exc})") from exc
        if header.get("alg") != "RS256":
            raise WebhookSignatureError(VENDOR, f"token algorithm {header.get('alg')!r} refused")
        kid = header.get("kid")
        found = self._keys.keys.get(kid) if isinstance(kid, str) else None
        if found is None:
            why = f" ({self._keys.last_error})" if self._keys.last_error else ""
            raise WebhookSignatureError(
                VENDOR, f"the token's signing key {kid!r} is not among the Bot Framework keys{why}"
            )
        key, endorsements = found
        claims = self._decode(token, key)
        activity = _activity_fields(request.body)
        service_url = activity.get("serviceUrl")
        if claims.get("serviceurl") != service_url:
            raise WebhookSignatureError(
                VENDOR,
                f"the token's serviceurl claim {claims.get('serviceurl')!r} is not the "
                f"activity's serviceUrl {service_url!r}",
            )
        channel = activity.get("channelId")
        if endorsements and channel not in endorsements:
            raise WebhookSignatureError(
                VENDOR, f"the signing key is not endorsed for channel {channel!r}"
            )
        return claims

    def _decode(self, token: str, key: jwt.PyJWK) -> dict[str, Any]:
        c = self._config
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=c.app_id,
                issuer=c.issuers,
                leeway=c.jwt_leeway_seconds,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise WebhookSignatureError(VENDOR, "the token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise WebhookSignatureError(VENDOR, "the token is not valid yet (nbf)") from exc
        except jwt.InvalidAudienceError as exc:
            raise WebhookSignatureError(
                VENDOR, f"the token's audience is not this bot's app id {c.app_id!r}"
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise WebhookSignatureError(
                VENDOR, f"the token's issuer is not one of {c.issuers}"
            ) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise WebhookSignatureError(VENDOR, f"the token lacks a claim: {exc}") from exc
        except jwt.InvalidSignatureError as exc:
            raise WebhookSignatureError(VENDOR, "the token's signature does not verify") from exc
        except jwt.PyJWTError as exc:
            raise WebhookSignatureError(VENDOR, f"the token is invalid: {exc}") from exc
        return claims


def _activity_fields(body: bytes) -> dict[str, Any]:
    """serviceUrl and channelId of the activity (all the check needs of the body)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookSignatureError(
            VENDOR, "the activity is not JSON: its serviceUrl cannot be checked"
        ) from exc
    if not isinstance(data, dict):
        raise WebhookSignatureError(VENDOR, "the activity is not a JSON object")
    return {"serviceUrl": data.get("serviceUrl"), "channelId": data.get("channelId")}
