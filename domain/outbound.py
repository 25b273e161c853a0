"""What vendor senders share and that needs no I/O: which parts of an event a text-and-media
vendor can carry, splitting long text, and how long to wait before retrying a throttled call."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    MediaContent,
    RichContent,
    TextContent,
    VideoContent,
    text_of,
)

#: HTTP statuses a vendor call is retried on (throttled, or a server-side failure).
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

#: Retry-After values above this are not waited for: the send fails and delivery retries later.
MAX_RETRY_AFTER_SECONDS = 60.0


def media_urls(content: object) -> list[tuple[str, str]]:
    """(url, mime type) of every media, audio and video part, in order."""
    if isinstance(content, MediaContent | AudioContent | VideoContent):
        return [(content.url, content.mime_type)]
    if isinstance(content, CompositeContent):
        return [pair for part in content.parts for pair in media_urls(part)]
    return []


def caption_text(content: object) -> str:
    """The text to send beside the media: text parts and captions, no media placeholders."""
    if isinstance(content, TextContent):
        return content.body
    if isinstance(content, RichContent):
        return content.plain_text or content.body
    if isinstance(content, MediaContent):
        return content.caption or ""
    if isinstance(content, AudioContent | VideoContent):
        return ""
    if isinstance(content, CompositeContent):
        return "\n".join(t for t in (caption_text(p) for p in content.parts) if t)
    return text_of(content)


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at whitespace where one is near."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = rest.rfind("\n", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """The wait a Retry-After header asks for (delta seconds or an HTTP date); None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_wait(attempt: int, retry_after: str | None, policy: RetryPolicy) -> float | None:
    """Seconds to wait before retry ``attempt`` (0-based), honouring the vendor's Retry-After;
    None when no retry is left or the vendor asks for longer than MAX_RETRY_AFTER_SECONDS."""
    if attempt >= policy.max_retries:
        return None
    asked = retry_after_seconds(retry_after)
    if asked is not None:
        return asked if asked <= MAX_RETRY_AFTER_SECONDS else None
    return policy.delay_for(attempt)
