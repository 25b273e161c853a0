"""Twilio's request signature: base64(HMAC-SHA1(auth token, URL + sorted form pairs)).

A Media Streams WebSocket upgrade is a GET with no form body, so only the URL is signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str] | None = None) -> str:
    pairs = dict(params or {})
    data = url + "".join(key + pairs[key] for key in sorted(pairs))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_is_valid(auth_token: str, url: str, signature: str) -> bool:
    return hmac.compare_digest(twilio_signature(auth_token, url), signature)
