"""The 11 content types, one discriminated union on ``type``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from roomkit.domain.base import Model

MAX_COMPOSITE_DEPTH = 5
MAX_CONTENT_DEPTH = 8
"""How deep edits and composites may nest in one content tree (an edit of an edit of ...).
Deeper trees cannot be read back by every store, so they are refused when built."""


class TextContent(Model):
    type: Literal["text"] = "text"
    body: str
    language: str | None = None


class RichContent(Model):
    type: Literal["rich"] = "rich"
    body: str
    format: Literal["html", "markdown"] = "markdown"
    plain_text: str | None = None
    buttons: list[dict[str, Any]] = Field(default_factory=list)
    cards: list[dict[str, Any]] = Field(default_factory=list)
    quick_replies: list[str] = Field(default_factory=list)


class MediaContent(Model):
    type: Literal["media"] = "media"
    url: str
    mime_type: str
    filename: str | None = None
    size_bytes: int | None = None
    caption: str | None = None


class AudioContent(Model):
    type: Literal["audio"] = "audio"
    url: str
    mime_type: str = "audio/ogg"
    duration_seconds: float | None = None
    transcript: str | None = None


class VideoContent(Model):
    type: Literal["video"] = "video"
    url: str
    mime_type: str = "video/mp4"
    duration_seconds: float | None = None
    thumbnail_url: str | None = None


class LocationContent(Model):
    type: Literal["location"] = "location"
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    label: str | None = None
    address: str | None = None


class TemplateContent(Model):
    type: Literal["template"] = "template"
    template_id: str
    language: str = "en"
    parameters: dict[str, Any] = Field(default_factory=dict)
    body: str | None = None


class SystemContent(Model):
    type: Literal["system"] = "system"
    body: str
    code: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class CompositeContent(Model):
    type: Literal["composite"] = "composite"
    parts: list[EventContent]

    @model_validator(mode="after")
    def _limit_depth(self) -> CompositeContent:
        depth = composite_depth(self)
        if depth > MAX_COMPOSITE_DEPTH:
            raise ValueError(
                f"CompositeContent is nested {depth} deep; at most {MAX_COMPOSITE_DEPTH} allowed"
            )
        return self


class EditContent(Model):
    type: Literal["edit"] = "edit"
    target_event_id: str
    new_content: EventContent
    edit_source: str | None = None

    @model_validator(mode="after")
    def _limit_depth(self) -> EditContent:
        depth = content_depth(self)
        if depth > MAX_CONTENT_DEPTH:
            raise ValueError(
                f"EditContent is nested {depth} deep; at most {MAX_CONTENT_DEPTH} allowed"
            )
        return self


class DeleteContent(Model):
    type: Literal["delete"] = "delete"
    target_event_id: str
    delete_type: Literal["sender", "system", "moderator"] = "sender"
    reason: str | None = None


EventContent = Annotated[
    TextContent
    | RichContent
    | MediaContent
    | AudioContent
    | VideoContent
    | LocationContent
    | CompositeContent
    | TemplateContent
    | SystemContent
    | EditContent
    | DeleteContent,
    Field(discriminator="type"),
]


def composite_depth(content: object) -> int:
    """How many CompositeContent levels ``content`` holds (0 for a leaf)."""
    if isinstance(content, CompositeContent):
        return 1 + max((composite_depth(part) for part in content.parts), default=0)
    if isinstance(content, EditContent):
        return composite_depth(content.new_content)
    return 0


def content_depth(content: object, limit: int = MAX_CONTENT_DEPTH + 1) -> int:
    """How many edit and composite levels ``content`` holds (1 for a leaf), counted no further
    than ``limit`` so that a hostile tree costs no more than a legal one."""
    depth = 1
    level = [content]
    while depth <= limit:
        children: list[object] = []
        for node in level:
            if isinstance(node, CompositeContent):
                children.extend(node.parts)
            elif isinstance(node, EditContent):
                children.append(node.new_content)
        if not children:
            return depth
        depth += 1
        level = children
    return depth


def text_of(content: object) -> str:
    """A best-effort plain-text rendering, used for logs, AI history and previews."""
    if isinstance(content, TextContent | SystemContent):
        return content.body
    if isinstance(content, RichContent):
        return content.plain_text or content.body
    if isinstance(content, CompositeContent):
        return "\n".join(t for t in (text_of(p) for p in content.parts) if t)
    if isinstance(content, EditContent):
        return text_of(content.new_content)
    if isinstance(content, TemplateContent):
        return content.body or f"[Template: {content.template_id}]"
    if isinstance(content, MediaContent):
        return content.caption or f"[Media: {content.filename or content.url}]"
    if isinstance(content, AudioContent):
        return content.transcript or f"[Voice message: {content.url}]"
    if isinstance(content, VideoContent):
        return f"[Video: {content.url}]"
    if isinstance(content, LocationContent):
        return f"[Location: {content.label or ''} ({content.latitude}, {content.longitude})]"
    if isinstance(content, DeleteContent):
        return "[Message deleted]"
    return ""


CompositeContent.model_rebuild()
EditContent.model_rebuild()
