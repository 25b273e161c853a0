"""Phone number helpers: E.164 and national formats through libphonenumber's metadata."""

from __future__ import annotations

import pytest

from roomkit.providers.sms.phone import is_valid_phone, normalize_phone


def test_the_spec_examples() -> None:
    assert is_valid_phone("+15551234567")
    assert normalize_phone("555-123-4567") == "+15551234567"


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("(514) 555-0142", "CA", "+15145550142"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("0044 20 7946 0958", "FR", "+442079460958"),
        ("+44 20 7946 0958", None, "+442079460958"),
        ("030 123456", "DE", "+4930123456"),
    ],
)
def test_national_formats_with_a_region(raw: str, region: str | None, e164: str) -> None:
    assert normalize_phone(raw, default_region=region) == e164


def test_default_country_code_picks_the_region() -> None:
    assert normalize_phone("06 12 34 56 78", default_country_code="33") == "+33612345678"


@pytest.mark.parametrize("bad", ["", "hello", "+1", "+999123", "12", "+1 555 12"])
def test_invalid_numbers_are_refused_by_name(bad: str) -> None:
    assert not is_valid_phone(bad)
    with pytest.raises(ValueError, match="is not a valid phone number"):
        normalize_phone(bad)


def test_validity_uses_the_numbering_plan_not_only_the_length() -> None:
    assert is_valid_phone("+33612345678")
    assert not is_valid_phone("+33012345678")  # French numbers never start 0 after +33
    assert not is_valid_phone("5145550142")  # national format without a region
    assert is_valid_phone("514 555 0142", default_region="CA")
