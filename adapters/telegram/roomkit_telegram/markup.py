"""RichContent markdown as Telegram HTML: Telegram's own Markdown modes refuse unescaped
punctuation, so common markdown (bold, italic, code, code blocks, links) is rewritten to the
small HTML subset the Bot API accepts, with everything else escaped."""

from __future__ import annotations

import html
import re

_BLOCK = re.compile(r"```(?:[\w+-]*\n)?(.*?)```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.S)
_ITALIC = re.compile(
    r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"
)
_STRIKE = re.compile(r"~~(.+?)~~", re.S)


def markdown_to_html(text: str) -> str:
    """``text`` (markdown) as Telegram HTML (parse_mode HTML)."""
    kept: list[str] = []

    def keep(fragment: str) -> str:
        kept.append(fragment)
        return f"\x00{len(kept) - 1}\x00"

    text = _BLOCK.sub(lambda m: keep(f"<pre>{html.escape(m.group(1))}</pre>"), text)
    text = _CODE.sub(lambda m: keep(f"<code>{html.escape(m.group(1))}</code>"), text)
    text = _LINK.sub(
        lambda m: keep(
            f'<a href="{html.escape(m.group(2), quote=True)}">{html.escape(m.group(1))}</a>'
        ),
        text,
    )
    text = html.escape(text, quote=False)
    text = _BOLD.sub(lambda m: f"<b>{m.group(1) or m.group(2)}</b>", text)
    text = _ITALIC.sub(lambda m: f"<i>{m.group(1) or m.group(2)}</i>", text)
    text = _STRIKE.sub(lambda m: f"<s>{m.group(1)}</s>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
