"""Documentation for AI coding assistants, generated from the installed package itself."""

from __future__ import annotations

import inspect


def _public() -> list[tuple[str, object]]:
    import roomkit

    return [(name, getattr(roomkit, name)) for name in roomkit.__all__]


def _summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n", 1)[0]


def get_llms_txt() -> str:
    """A short index of RoomKit's public API (the llms.txt convention)."""
    lines = [
        "# RoomKit",
        "",
        "> Async multi-channel conversation framework: rooms, channels, hooks, AI.",
        "",
        "## Public API (`from roomkit import ...`)",
    ]
    lines += [f"- {name}: {_summary(obj)}".rstrip(": ") for name, obj in _public()]
    return "\n".join(lines) + "\n"


def _kit_methods() -> list[str]:
    from roomkit.kit import RoomKit

    lines = ["## RoomKit methods", ""]
    for name, member in inspect.getmembers(RoomKit, inspect.isfunction):
        if name.startswith("_"):
            continue
        lines.append(f"- `{name}{inspect.signature(member)}`: {_summary(member)}".rstrip(": "))
    return lines


def get_llms_full_txt() -> str:
    """Every public name with its signature and full docstring, and the RoomKit methods."""
    parts = [get_llms_txt(), *_kit_methods(), "", "## Details", ""]
    for name, obj in _public():
        try:
            signature = str(inspect.signature(obj)) if callable(obj) else ""
        except (TypeError, ValueError):
            signature = ""
        parts.append(f"### {name}{signature}\n\n{inspect.getdoc(obj) or ''}\n")
    return "\n".join(parts)


def get_agents_md() -> str:
    """Working rules for an assistant writing code against RoomKit."""
    return "\n".join(
        [
            "# Working with RoomKit",
            "",
            "- Everything is async: await every RoomKit method.",
            "- Create RoomKit(), register channels, create rooms, attach channels, then",
            "  process_inbound(InboundMessage(...)).",
            "- Models are immutable: change them with model_copy(update=...).",
            "- BEFORE_BROADCAST hooks return HookResult.allow()/block(reason)/modify(event).",
            "- AI channels attach with category=ChannelCategory.INTELLIGENCE; their replies",
            "  re-enter the pipeline with chain_depth + 1 (max_chain_depth stops loops).",
            "- Tests: MockAIProvider(responses=[...]) and WebSocketChannel callbacks.",
            "",
        ]
    )


def get_ai_context() -> str:
    """AGENTS.md and the full API reference together."""
    return get_agents_md() + "\n" + get_llms_full_txt()
