"""Every row of the SPEC's fallback table, as a pure function of (content, capabilities)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from roomkit.domain.channel import ChannelCapabilities
from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    DeleteContent,
    EditContent,
    LocationContent,
    MediaContent,
    RichContent,
    SystemContent,
    TemplateContent,
    TextContent,
    VideoContent,
)
from roomkit.domain.enums import ChannelMediaType as M
from roomkit.domain.transcoding import transcode

TEXT_ONLY = ChannelCapabilities(media_types=[M.TEXT])
EVERYTHING = ChannelCapabilities(media_types=list(M), supports_edit=True, supports_delete=True)


def text(body: str) -> TextContent:
    return TextContent(body=body)


ROWS = [
    ("text passes", TextContent(body="hi"), TEXT_ONLY, TextContent(body="hi")),
    ("rich -> plain_text", RichContent(body="**b**", plain_text="b"), TEXT_ONLY, text("b")),
    ("rich -> body", RichContent(body="**b**"), TEXT_ONLY, text("**b**")),
    (
        "media -> caption",
        MediaContent(url="u", mime_type="image/png", caption="c"),
        TEXT_ONLY,
        text("[Media: c]"),
    ),
    (
        "media -> filename",
        MediaContent(url="u", mime_type="image/png", filename="f.png"),
        TEXT_ONLY,
        text("[Media: f.png]"),
    ),
    (
        "media -> url",
        MediaContent(url="http://x/y", mime_type="image/png"),
        TEXT_ONLY,
        text("[Media: http://x/y]"),
    ),
    (
        "audio -> transcript",
        AudioContent(url="a.ogg", transcript="hello"),
        TEXT_ONLY,
        text("hello"),
    ),
    (
        "audio -> voice message",
        AudioContent(url="a.ogg"),
        TEXT_ONLY,
        text("[Voice message: a.ogg]"),
    ),
    ("video", VideoContent(url="v.mp4"), TEXT_ONLY, text("[Video: v.mp4]")),
    (
        "location",
        LocationContent(latitude=40.7128, longitude=-74.006, label="NYC"),
        TEXT_ONLY,
        text("[Location: NYC (40.7128, -74.006)]"),
    ),
    (
        "location without label",
        LocationContent(latitude=1.5, longitude=2.5),
        TEXT_ONLY,
        text("[Location: (1.5, 2.5)]"),
    ),
    (
        "template -> body",
        TemplateContent(template_id="t1", body="Your order"),
        TEXT_ONLY,
        text("Your order"),
    ),
    ("template -> id", TemplateContent(template_id="t1"), TEXT_ONLY, text("[Template: t1]")),
    (
        "edit -> correction",
        EditContent(target_event_id="e", new_content=text("fixed")),
        TEXT_ONLY,
        text("Correction: fixed"),
    ),
    ("delete", DeleteContent(target_event_id="e"), TEXT_ONLY, text("[Message deleted]")),
    ("system passes", SystemContent(body="note"), TEXT_ONLY, SystemContent(body="note")),
]


@pytest.mark.parametrize(("name", "content", "caps", "expected"), ROWS, ids=[r[0] for r in ROWS])
def test_fallback_rows(name: str, content, caps, expected) -> None:  # type: ignore[no-untyped-def]
    assert transcode(content, caps) == expected


@pytest.mark.parametrize(
    "content",
    [
        RichContent(body="b"),
        MediaContent(url="u", mime_type="image/png"),
        AudioContent(url="a"),
        VideoContent(url="v"),
        LocationContent(latitude=0, longitude=0),
        TemplateContent(template_id="t"),
        EditContent(target_event_id="e", new_content=text("x")),
        DeleteContent(target_event_id="e"),
        CompositeContent(parts=[text("a"), MediaContent(url="u", mime_type="image/png")]),
    ],
    ids=lambda c: c.type,
)
def test_supported_content_passes_unchanged(content) -> None:  # type: ignore[no-untyped-def]
    assert transcode(content, EVERYTHING) is content


def test_composite_all_text_flattens_like_the_spec_example() -> None:
    content = CompositeContent(
        parts=[
            RichContent(
                body="**Check this out!**", format="markdown", plain_text="Check this out!"
            ),
            MediaContent(
                url="https://example.com/photo.jpg", mime_type="image/jpeg", caption="Sunset"
            ),
        ]
    )
    assert transcode(content, TEXT_ONLY) == text("Check this out!\n[Media: Sunset]")


def test_composite_keeps_structure_when_some_parts_survive() -> None:
    caps = ChannelCapabilities(media_types=[M.TEXT, M.MEDIA])
    media = MediaContent(url="u", mime_type="image/png")
    content = CompositeContent(parts=[RichContent(body="**b**", plain_text="b"), media])
    assert transcode(content, caps) == CompositeContent(parts=[text("b"), media])


def test_edit_with_non_text_new_content_keeps_the_correction_prefix() -> None:
    caps = ChannelCapabilities(media_types=[M.TEXT, M.MEDIA])
    media = MediaContent(url="u", mime_type="image/png")
    result = transcode(EditContent(target_event_id="e", new_content=media), caps)
    assert result == CompositeContent(parts=[text("Correction:"), media])


def test_max_length_truncates_text_with_an_ellipsis() -> None:
    caps = ChannelCapabilities(media_types=[M.TEXT], max_length=10)
    assert transcode(text("0123456789ABC"), caps) == text("0123456...")
    assert transcode(text("short"), caps) == text("short")
    rich = RichContent(body="x" * 50)
    assert transcode(rich, caps) == text("x" * 7 + "...")


def test_composite_nesting_limited_to_five() -> None:
    content: TextContent | CompositeContent = text("leaf")
    for _ in range(5):
        content = CompositeContent(parts=[content])
    with pytest.raises(ValidationError, match="nested 6 deep; at most 5"):
        CompositeContent(parts=[content])


def test_content_union_is_discriminated_on_type() -> None:
    from pydantic import TypeAdapter

    from roomkit.domain.content import EventContent

    adapter = TypeAdapter(EventContent)
    parsed = adapter.validate_python({"type": "location", "latitude": 1, "longitude": 2})
    assert isinstance(parsed, LocationContent)
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        adapter.validate_python({"type": "hologram"})
