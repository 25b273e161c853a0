"""Digest authentication against the worked examples of RFC 2617 (MD5) and RFC 7616 (SHA-256),
and the verifier's refusals."""

from __future__ import annotations

import pytest

from roomkit_sip.digest import Challenge, DigestError, DigestVerifier, parse_params, response_hash


def test_rfc_2617_example() -> None:
    assert (
        response_hash(
            algorithm="MD5",
            username="Mufasa",
            realm="testrealm@host.com",
            password="Circle Of Life",
            method="GET",
            uri="/dir/index.html",
            nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop="auth",
            nc="00000001",
            cnonce="0a4f113b",
        )
        == "6629fae49393a05397450978507c4ef1"
    )


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_rfc_7616_examples(algorithm: str, expected: str) -> None:
    assert (
        response_hash(
            algorithm=algorithm,
            username="Mufasa",
            realm="http-auth@example.org",
            password="Circle of Life",
            method="GET",
            uri="/dir/index.html",
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            qop="auth",
            nc="00000001",
            cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        )
        == expected
    )


def test_challenges_are_parsed_and_unsupported_ones_named() -> None:
    scheme, params = parse_params('Digest realm="a, b", nonce=xyz, qop="auth,auth-int"')
    assert scheme == "digest" and params == {
        "realm": "a, b",
        "nonce": "xyz",
        "qop": "auth,auth-int",
    }
    assert Challenge.parse('Digest realm="r", nonce="n"').qop is None
    with pytest.raises(DigestError, match="'basic'"):
        Challenge.parse('Basic realm="r"')
    with pytest.raises(DigestError, match="SHA-512"):
        Challenge.parse('Digest realm="r", nonce="n", algorithm=SHA-512')
    with pytest.raises(DigestError, match="only 'auth'"):
        Challenge.parse('Digest realm="r", nonce="n", qop="auth-int"')


def test_the_verifier_accepts_once_and_refuses_replays_and_wrong_passwords() -> None:
    verifier = DigestVerifier({"alice": "pw"}, realm="roomkit", algorithm="SHA-256")
    challenge = Challenge.parse(verifier.challenge())
    good = challenge.authorization("alice", "pw", "INVITE", "sip:agent@h")
    assert verifier.check(good, "INVITE", "sip:agent@h") == "ok"
    assert verifier.check(good, "INVITE", "sip:agent@h") == "forbidden"  # the same nc again
    assert (
        verifier.check(
            challenge.authorization("alice", "pw", "INVITE", "sip:agent@h", nc=2),
            "INVITE",
            "sip:agent@h",
        )
        == "ok"
    )
    assert (
        verifier.check(
            challenge.authorization("alice", "no", "INVITE", "sip:agent@h", nc=3),
            "INVITE",
            "sip:agent@h",
        )
        == "forbidden"
    )
    assert (
        verifier.check(
            challenge.authorization("mallory", "pw", "INVITE", "sip:agent@h", nc=4),
            "INVITE",
            "sip:agent@h",
        )
        == "forbidden"
    )
    assert (
        verifier.check(
            challenge.authorization("alice", "pw", "INVITE", "sip:other@h", nc=5),
            "INVITE",
            "sip:agent@h",
        )
        == "forbidden"
    )
    assert verifier.check("", "INVITE", "sip:agent@h") == "missing"
    unknown = Challenge("roomkit", "not-issued", "SHA-256", "auth", None)
    assert (
        verifier.check(
            unknown.authorization("alice", "pw", "INVITE", "sip:agent@h"), "INVITE", "sip:agent@h"
        )
        == "missing"
    )
    with pytest.raises(DigestError, match="at least one user"):
        DigestVerifier({}, realm="r")
