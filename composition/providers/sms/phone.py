"""Phone number helpers: E.164 validation and normalisation (NANP default for 10 digits)."""

from __future__ import annotations

import re

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def is_valid_phone(number: str) -> bool:
    """True for an E.164 number such as ``+15551234567``."""
    return bool(_E164.match(number.strip()))


def normalize_phone(number: str, default_country_code: str = "1") -> str:
    """``"555-123-4567"`` -> ``"+15551234567"``; raise ValueError if no valid number results."""
    raw = number.strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        candidate = "+" + digits
    elif raw.startswith("00"):
        candidate = "+" + digits[2:]
    elif len(digits) == 10:
        candidate = f"+{default_country_code}{digits}"
    elif len(digits) == 11 and digits.startswith(default_country_code):
        candidate = "+" + digits
    else:
        candidate = "+" + digits
    if not is_valid_phone(candidate):
        raise ValueError(f"{number!r} is not a valid phone number")
    return candidate
