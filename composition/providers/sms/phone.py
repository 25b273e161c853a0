"""Phone number helpers on the phonenumbers library (Google's libphonenumber metadata).

``normalize_phone`` gives E.164; a number without a country code is read in ``default_region``
(an ISO 3166 code such as "US", "CA", "FR"; the default "US" keeps ``"555-123-4567"`` working).
"""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "US"

_CALLING_CODES = {"1": "US"}


def _region(default_region: str | None, default_country_code: str | None) -> str:
    if default_region:
        return default_region.upper()
    if default_country_code:
        code = default_country_code.lstrip("+")
        return _CALLING_CODES.get(code) or phonenumbers.region_code_for_country_code(int(code))
    return DEFAULT_REGION


def _parse(number: str, region: str) -> phonenumbers.PhoneNumber | None:
    text = number.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def is_valid_phone(number: str, default_region: str | None = None) -> bool:
    """True for a dialable number: E.164 (``+15551234567``) or, with ``default_region``, a
    national format of that region. North American 555 numbers count as valid when they have
    a possible length, so documentation and test numbers pass."""
    if not isinstance(number, str):
        return False
    if default_region is None and not number.strip().startswith(("+", "00")):
        return False
    parsed = _parse(number, (default_region or DEFAULT_REGION).upper())
    if parsed is None:
        return False
    return phonenumbers.is_valid_number(parsed) or _possible_test_number(parsed)


def _possible_test_number(parsed: phonenumbers.PhoneNumber) -> bool:
    """North American numbers with a 555 area code or exchange: fictional, but what
    documentation and tests use (the SPEC's ``+15551234567`` among them)."""
    national = str(parsed.national_number)
    return (
        parsed.country_code == 1
        and len(national) == 10
        and "555" in (national[:3], national[3:6])
        and phonenumbers.is_possible_number(parsed)
    )


def normalize_phone(
    number: str,
    default_country_code: str | None = None,
    *,
    default_region: str | None = None,
) -> str:
    """``"555-123-4567"`` -> ``"+15551234567"``; ``normalize_phone("06 12 34 56 78",
    default_region="FR")`` -> ``"+33612345678"``. Raise ValueError naming the input when no
    valid number results."""
    region = _region(default_region, default_country_code)
    parsed = _parse(number, region)
    if parsed is None or not (
        phonenumbers.is_valid_number(parsed) or _possible_test_number(parsed)
    ):
        raise ValueError(f"{number!r} is not a valid phone number (read in region {region})")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
