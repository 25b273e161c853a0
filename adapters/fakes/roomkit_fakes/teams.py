"""A fake of Microsoft Teams' Bot Framework on one loopback server: the OAuth2 token endpoint,
the OpenID metadata and JWKS that sign inbound activities (its own RSA keys), and the Connector
API (``POST {serviceUrl}/v3/conversations/{id}/activities``) recording what the bot sent.

It mints the ``Authorization: Bearer`` JWTs the Bot Connector puts on the activities it posts
to a bot, valid or broken on purpose (``activity_request(..., claims={"aud": "other"})``).
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from roomkit_fakes.messaging import Delivered, VendorFake

ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
WEBHOOK_URL = "https://bot.example.com/api/messages"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@functools.cache
def _rsa_key(slot: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey
    endorsements: tuple[str, ...] = ("msteams",)

    @classmethod
    def generate(cls, kid: str, slot: str | None = None) -> SigningKey:
        """A key named ``kid``; the RSA key of a ``slot`` is made once per process (2048-bit
        keys are slow to make, and every test starts a fake)."""
        return cls(kid, _rsa_key(slot or kid))

    def jwk(self) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": _int_b64(numbers.n),
            "e": _int_b64(numbers.e),
            "endorsements": list(self.endorsements),
        }

    def sign(self, header: dict[str, Any], claims: dict[str, Any]) -> str:
        signing_input = (
            b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        )
        signature = self.private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)


@dataclass(frozen=True)
class SentActivity:
    """One activity the bot posted to the Connector."""

    conversation_id: str
    activity: dict[str, Any]
    reply_to: str | None = None

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")


class TeamsFake(VendorFake):
    vendor = "teams"

    def __init__(
        self,
        app_id: str = "00000000-aaaa-bbbb-cccc-000000000001",
        app_password: str = "bot-secret",
        token_lifetime: int = 3600,
    ) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_password = app_password
        self.token_lifetime = token_lifetime
        self.keys: list[SigningKey] = [SigningKey.generate("key-1")]
        # the same kid with another key: tokens forged by someone without Microsoft's key
        self.stranger = SigningKey.generate("key-1", slot="stranger")
        self.tokens: set[str] = set()
        self.token_requests: list[dict[str, str]] = []
        self.metadata_requests = 0
        self.jwks_requests = 0
        self.activities: list[SentActivity] = []
        self._token_ids = itertools.count(1)
        self._activity_ids = itertools.count(1000)

    # addresses ---------------------------------------------------------------------------------
    @property
    def login_url(self) -> str:
        return self.root_url

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.root_url}/v1/.well-known/openidconfiguration"

    @property
    def service_url(self) -> str:
        """The serviceUrl put on inbound activities: the Connector API of this fake."""
        return f"{self.root_url}/amer/"

    @property
    def bot_id(self) -> str:
        return f"28:{self.app_id}"

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/{tenant}/oauth2/v2.0/token", self.token),
            web.get("/v1/.well-known/openidconfiguration", self.openid_metadata),
            web.get("/v1/.well-known/keys", self.jwks),
            web.post("/{region}/v3/conversations/{conversation}/activities", self.post_activity),
            web.post(
                "/{region}/v3/conversations/{conversation}/activities/{reply_to}",
                self.post_activity,
            ),
            web.post("/v3/conversations/{conversation}/activities", self.post_activity),
        ]

    # scripting ---------------------------------------------------------------------------------
    def rotate_key(self, kid: str | None = None) -> SigningKey:
        """Start signing with a new key (served by the JWKS from now on, next to the old one)."""
        key = SigningKey.generate(kid or f"key-{len(self.keys) + 1}")
        self.keys.append(key)
        return key

    def revoke_tokens(self) -> None:
        """Every access token issued so far is refused from now on (401)."""
        self.tokens.clear()

    # the login endpoint ------------------------------------------------------------------------
    async def token(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        form = dict(parse_qsl(raw.body.decode(), keep_blank_values=True))
        self.token_requests.append({**form, "tenant": request.match_info["tenant"]})
        if form.get("grant_type") != "client_credentials" or form.get("scope") != SCOPE:
            return self.problem(
                400, {"error": "invalid_request", "error_description": "grant_type or scope"}
            )
        if form.get("client_id") != self.app_id or form.get("client_secret") != self.app_password:
            return self.problem(
                401, {"error": "invalid_client", "error_description": "AADSTS7000215"}
            )
        token = f"bf-token-{next(self._token_ids)}"
        self.tokens.add(token)
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": token,
            }
        )

    # OpenID metadata and keys ------------------------------------------------------------------
    async def openid_metadata(self, request: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": f"{self.root_url}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def jwks(self, request: web.Request) -> web.Response:
        self.jwks_requests += 1
        return web.json_response({"keys": [key.jwk() for key in self.keys]})

    # the Connector API -------------------------------------------------------------------------
    async def post_activity(self, request: web.Request) -> web.Response:
        raw = await self.capture(request)
        auth = raw.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            return self.problem(401, {"message": "Authorization has been denied for this request."})
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        try:
            activity = raw.json()
        except ValueError:
            return self.problem(400, self.error_body(400))
        if not isinstance(activity, dict) or activity.get("type") not in ("message", "typing"):
            return self.problem(400, {"error": {"code": "BadArgument", "message": "type"}})
        if activity["type"] == "message" and not (
            activity.get("text") or activity.get("attachments")
        ):
            return self.problem(
                400, {"error": {"code": "BadArgument", "message": "Activity has no text"}}
            )
        conversation = request.match_info["conversation"]
        sent = SentActivity(conversation, activity, request.match_info.get("reply_to"))
        self.activities.append(sent)
        media = tuple(
            str(a.get("contentUrl"))
            for a in activity.get("attachments") or []
            if isinstance(a, dict) and a.get("contentUrl")
        )
        self.messages.append(Delivered(to=conversation, text=sent.text, media=media))
        return web.json_response({"id": str(next(self._activity_ids))}, status=201)

    def error_body(self, status: int) -> Any:
        code = {429: "TooManyRequests", 403: "BotNotInConversationRoster"}.get(
            status, "ServiceError" if status >= 500 else "BadArgument"
        )
        return {"error": {"code": code, "message": f"scripted HTTP {status}"}}

    # inbound activities, signed as the Bot Connector signs them --------------------------------
    def mint(
        self,
        service_url: str | None = None,
        *,
        claims: dict[str, Any] | None = None,
        key: SigningKey | None = None,
        kid: str | None = None,
        now: float | None = None,
    ) -> str:
        """A Bot Connector JWT for this bot; ``claims`` overrides or (with None) removes claims."""
        issued = int(time.time() if now is None else now)
        body: dict[str, Any] = {
            "serviceurl": service_url or self.service_url,
            "nbf": issued - 5,
            "exp": issued + 3600,
            "iss": ISSUER,
            "aud": self.app_id,
        }
        for name, value in (claims or {}).items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        signer = key or self.keys[-1]
        header = {"alg": "RS256", "typ": "JWT", "kid": kid or signer.kid}
        return signer.sign(header, body)

    def activity_request(
        self,
        activity: dict[str, Any],
        *,
        token: str | None = None,
        claims: dict[str, Any] | None = None,
        key: SigningKey | None = None,
        url: str = WEBHOOK_URL,
    ) -> dict[str, Any]:
        """The request meta (``{method, url, headers, body}``) of the Connector posting
        ``activity`` to the bot's messaging endpoint."""
        service_url = str(activity.get("serviceUrl") or self.service_url)
        jwt = token if token is not None else self.mint(service_url, claims=claims, key=key)
        return {
            "method": "POST",
            "url": url,
            "headers": {"Content-Type": "application/json", "Authorization": f"Bearer {jwt}"},
            "body": json.dumps(activity).encode(),
        }

    def activity(
        self,
        kind: str = "message",
        *,
        conversation_id: str = "a:conv-personal-1",
        sender_id: str = "29:user-alice",
        sender_name: str = "Alice",
        conversation_type: str = "personal",
        tenant_id: str = "tenant-1",
        activity_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """An activity as Teams sends it to a bot (``fields`` added or replacing)."""
        return {
            "type": kind,
            "id": activity_id or f"1700000000{next(self._activity_ids)}",
            "timestamp": "2026-12-01T02:00:00.000Z",
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": {"id": sender_id, "name": sender_name, "aadObjectId": f"aad-{sender_id}"},
            "conversation": {
                "id": conversation_id,
                "conversationType": conversation_type,
                "tenantId": tenant_id,
            },
            "recipient": {"id": self.bot_id, "name": "RoomKit Bot"},
            "channelData": {"tenant": {"id": tenant_id}},
            **fields,
        }

    def message(self, text: str, *, mention_bot: bool = False, **kwargs: Any) -> dict[str, Any]:
        """A user's message; with ``mention_bot`` it starts with ``<at>RoomKit Bot</at>``."""
        entities: list[dict[str, Any]] = []
        if mention_bot:
            text = f"<at>RoomKit Bot</at> {text}"
            entities.append(
                {
                    "type": "mention",
                    "mentioned": {"id": self.bot_id, "name": "RoomKit Bot"},
                    "text": "<at>RoomKit Bot</at>",
                }
            )
        return self.activity("message", text=text, textFormat="plain", entities=entities, **kwargs)

    def reaction(
        self,
        reply_to_id: str,
        added: str | None = "like",
        removed: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {"replyToId": reply_to_id}
        if added:
            fields["reactionsAdded"] = [{"type": added}]
        if removed:
            fields["reactionsRemoved"] = [{"type": removed}]
        return self.activity("messageReaction", **fields, **kwargs)

    def bot_added(self, **kwargs: Any) -> dict[str, Any]:
        """The conversationUpdate Teams sends when the bot is installed in a conversation."""
        return self.activity("conversationUpdate", membersAdded=[{"id": self.bot_id}], **kwargs)
