"""An event's content in an email's terms: a plain-text part, an HTML part, attachments.

Media given as ``data:`` URLs become attachments; media at http(s) URLs become links (an email
provider never downloads them on RoomKit's behalf unless its adapter is told to). Inbound email
attachments come back as ``data:`` URLs the same way.
"""

from __future__ import annotations

import base64
import binascii
import html
from dataclasses import dataclass, field

from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    MediaContent,
    RichContent,
    TextContent,
    VideoContent,
    text_of,
)

#: Inbound attachments above this size are left out (named in the message metadata).
MAX_INLINE_ATTACHMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime_type: str
    data: bytes

    @property
    def base64(self) -> str:
        return base64.b64encode(self.data).decode()


@dataclass
class EmailBody:
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def decode_data_url(url: str) -> tuple[str, bytes] | None:
    """(mime type, bytes) of a ``data:`` URL, or None if ``url`` is not one (or is broken)."""
    if not url.startswith("data:") or "," not in url:
        return None
    header, payload = url[5:].split(",", 1)
    mime = header.split(";", 1)[0] or "text/plain"
    try:
        if header.endswith(";base64"):
            return mime, base64.b64decode(payload, validate=True)
        return mime, _percent_decoded(payload)
    except (binascii.Error, ValueError):
        return None


def _percent_decoded(text: str) -> bytes:
    raw = text.encode()
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x25 and i + 2 < len(raw):
            out += bytes.fromhex(raw[i + 1 : i + 3].decode())
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def data_url(mime_type: str, data: bytes) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(data).decode()}"


def _html_of_text(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br>\n") + "</p>"


def email_body(content: object) -> EmailBody:
    """Plain text, HTML and attachments for ``content``; HTML is set only when there is rich
    content or media to show (plain text alone goes as text/plain)."""
    body = EmailBody()
    texts: list[str] = []
    htmls: list[str] = []
    rich = False
    parts = content.parts if isinstance(content, CompositeContent) else [content]
    for part in parts:
        if isinstance(part, TextContent):
            texts.append(part.body)
            htmls.append(_html_of_text(part.body))
        elif isinstance(part, RichContent):
            rich = True
            plain = part.plain_text or part.body
            texts.append(plain)
            htmls.append(part.body if part.format == "html" else _html_of_text(part.body))
        elif isinstance(part, MediaContent | AudioContent | VideoContent):
            caption = part.caption if isinstance(part, MediaContent) else None
            decoded = decode_data_url(part.url)
            if decoded is not None:
                mime, data = decoded
                name = getattr(part, "filename", None) or f"attachment-{len(body.attachments) + 1}"
                body.attachments.append(Attachment(name, mime or part.mime_type, data))
            else:
                rich = True
                body.links.append(part.url)
                label = caption or getattr(part, "filename", None) or part.url
                texts.append(f"{label}: {part.url}")
                htmls.append(
                    f'<p><a href="{html.escape(part.url, quote=True)}">{html.escape(label)}</a></p>'
                )
                continue
            if caption:
                texts.append(caption)
                htmls.append(_html_of_text(caption))
        elif isinstance(part, CompositeContent):
            nested = email_body(part)
            texts.append(nested.text)
            htmls.append(nested.html or _html_of_text(nested.text))
            body.attachments.extend(nested.attachments)
            body.links.extend(nested.links)
            rich = rich or bool(nested.html)
        else:
            rendered = text_of(part)
            texts.append(rendered)
            htmls.append(_html_of_text(rendered))
    body.text = "\n\n".join(t for t in texts if t)
    if rich:
        body.html = "\n".join(htmls)
    return body
