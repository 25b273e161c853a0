"""HTTP digest authentication as SIP uses it (RFC 2617, RFC 7616 for SHA-256, RFC 3261 22).

A user agent answers a ``401``/``407`` challenge by hashing its password with the server's
nonce; a server checks that hash without ever seeing the password. Only ``qop=auth`` (or no
qop, the RFC 2069 form older servers still send) is supported: ``auth-int`` hashes the body and
SIP servers practically never ask for it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass

ALGORITHMS = {"MD5": "md5", "SHA-256": "sha256"}
AUTH_HEADERS = {  # challenge status -> (the challenge's header, the answer's header)
    401: ("www-authenticate", "authorization"),
    407: ("proxy-authenticate", "proxy-authorization"),
}
_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class DigestError(ValueError):
    """A challenge or credentials this module cannot work with."""


def parse_params(header: str) -> tuple[str, dict[str, str]]:
    """``Digest realm="x", nonce="y"`` -> ``("digest", {"realm": "x", "nonce": "y"})``."""
    scheme, _, rest = header.strip().partition(" ")
    params: dict[str, str] = {}
    for match in _PARAM.finditer(rest):
        quoted, bare = match.group(2), match.group(3)
        params[match.group(1).lower()] = quoted.replace('\\"', '"') if quoted is not None else bare
    return scheme.lower(), params


def _hash(algorithm: str, text: str) -> str:
    return hashlib.new(ALGORITHMS[algorithm], text.encode()).hexdigest()


def response_hash(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None,
    nc: str = "",
    cnonce: str = "",
) -> str:
    ha1 = _hash(algorithm, f"{username}:{realm}:{password}")
    ha2 = _hash(algorithm, f"{method}:{uri}")
    if qop:
        return _hash(algorithm, f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _hash(algorithm, f"{ha1}:{nonce}:{ha2}")


@dataclass(frozen=True)
class Challenge:
    realm: str
    nonce: str
    algorithm: str
    qop: str | None
    opaque: str | None

    @classmethod
    def parse(cls, header: str) -> Challenge:
        scheme, params = parse_params(header)
        if scheme != "digest":
            raise DigestError(f"the server asked for {scheme!r} authentication, not digest")
        if "nonce" not in params or "realm" not in params:
            raise DigestError(f"a digest challenge without realm or nonce: {header!r}")
        algorithm = params.get("algorithm", "MD5").upper()
        if algorithm not in ALGORITHMS:
            raise DigestError(
                f"the server asked for digest algorithm {algorithm!r}; "
                f"supported: {', '.join(ALGORITHMS)}"
            )
        offered = [q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()]
        if offered and "auth" not in offered:
            raise DigestError(f"the server offers qop {offered}; only 'auth' is supported")
        qop = "auth" if offered else None
        return cls(params["realm"], params["nonce"], algorithm, qop, params.get("opaque"))

    def authorization(
        self, username: str, password: str, method: str, uri: str, nc: int = 1
    ) -> str:
        """The ``Authorization`` (or ``Proxy-Authorization``) value answering this challenge."""
        cnonce = secrets.token_hex(8)
        count = f"{nc:08x}"
        digest = response_hash(
            algorithm=self.algorithm,
            username=username,
            realm=self.realm,
            password=password,
            method=method,
            uri=uri,
            nonce=self.nonce,
            qop=self.qop,
            nc=count,
            cnonce=cnonce,
        )
        parts = [
            f'username="{username}"',
            f'realm="{self.realm}"',
            f'nonce="{self.nonce}"',
            f'uri="{uri}"',
            f'response="{digest}"',
            f"algorithm={self.algorithm}",
        ]
        if self.qop:
            parts += [f"qop={self.qop}", f"nc={count}", f'cnonce="{cnonce}"']
        if self.opaque is not None:
            parts.append(f'opaque="{self.opaque}"')
        return "Digest " + ", ".join(parts)


class DigestVerifier:
    """Issues nonces and checks the credentials of incoming requests.

    Nonces are random, remembered (the last ``keep`` of them) and their nonce counts must grow,
    so a captured ``Authorization`` header cannot be replayed.
    """

    def __init__(
        self, users: dict[str, str], *, realm: str, algorithm: str = "MD5", keep: int = 1024
    ) -> None:
        if algorithm not in ALGORITHMS:
            raise DigestError(f"digest algorithm must be one of {', '.join(ALGORITHMS)}")
        if not users:
            raise DigestError("a digest verifier needs at least one user")
        self.users = dict(users)
        self.realm = realm
        self.algorithm = algorithm
        self.keep = keep
        self._nonces: OrderedDict[str, int] = OrderedDict()

    def challenge(self, *, stale: bool = False) -> str:
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = 0
        while len(self._nonces) > self.keep:
            self._nonces.popitem(last=False)
        value = (
            f'Digest realm="{self.realm}", nonce="{nonce}", algorithm={self.algorithm}, qop="auth"'
        )
        return value + (", stale=true" if stale else "")

    def check(self, header: str, method: str, uri: str) -> str:
        """``"ok"``, ``"missing"`` (no or stale credentials: challenge) or ``"forbidden"``.

        ``uri`` is the request's Request-URI, which the credentials must have been made for.
        """
        if not header:
            return "missing"
        scheme, params = parse_params(header)
        if scheme != "digest":
            return "missing"
        nonce = params.get("nonce", "")
        if nonce not in self._nonces:
            return "missing"  # unknown or expired: a fresh challenge, marked stale
        password = self.users.get(params.get("username", ""))
        if password is None or params.get("realm") != self.realm:
            return "forbidden"
        if params.get("algorithm", "MD5").upper() != self.algorithm:
            return "forbidden"
        if params.get("uri") != uri:
            return "forbidden"
        qop = params.get("qop")
        nc = params.get("nc", "")
        if qop is not None:
            if qop != "auth" or not re.fullmatch(r"[0-9a-fA-F]{8}", nc):
                return "forbidden"
            if int(nc, 16) <= self._nonces[nonce]:
                return "forbidden"  # a replay
        expected = response_hash(
            algorithm=self.algorithm,
            username=params.get("username", ""),
            realm=self.realm,
            password=password,
            method=method,
            uri=params.get("uri", ""),
            nonce=nonce,
            qop=qop,
            nc=nc,
            cnonce=params.get("cnonce", ""),
        )
        if not hmac.compare_digest(expected, params.get("response", "")):
            return "forbidden"
        if qop is not None:
            self._nonces[nonce] = int(nc, 16)
        return "ok"


__all__ = [
    "AUTH_HEADERS",
    "Challenge",
    "DigestError",
    "DigestVerifier",
    "parse_params",
    "response_hash",
]
