"""The public API: every top-level name of the SPEC, and every documented import path."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import roomkit
from roomkit.domain.errors import NotAvailableError

SPEC = Path(__file__).resolve().parent.parent.parent / "shared" / "SPEC.md"

TOP_LEVEL = """
RoomKit Agent AIChannel AudioVideoChannel Channel CLIChannel EmailChannel HTTPChannel
MessengerChannel RCSChannel RealtimeAudioVideoChannel RealtimeVoiceChannel SMSChannel TeamsChannel
TelegramChannel TransportChannel VideoChannel VoiceChannel WebSocketChannel WhatsAppChannel
WhatsAppPersonalChannel Access ChannelCategory ChannelType EventStatus EventType HookExecution
HookTrigger RoomStatus Loop Orchestration Pipeline Supervisor Swarm ChannelBinding
ChannelCapabilities ChannelOutput DeliveryResult DeliveryStatus EventSource FrameworkEvent
HookResult InjectedEvent InboundMessage InboundResult Participant ProviderResult Room RoomContext
RoomEvent RoomTimers SessionStartedEvent TextContent Tool ToolCallCallback ToolCallEvent
ToolHandler get_current_voice_session RoomKitError RoomNotFoundError ChannelNotFoundError
ChannelNotRegisteredError ParticipantNotFoundError IdentityNotFoundError
SourceAlreadyAttachedError SourceNotFoundError VoiceBackendNotConfiguredError
VoiceNotConfiguredError get_llms_txt get_llms_full_txt get_agents_md get_ai_context
""".split()

#: documented paths that belong to subsystems or vendor adapters not in this installation
NOT_BUILT = (
    "roomkit.orchestration",
    "roomkit.sources",
)


def spec_top_level() -> list[str]:
    text = SPEC.read_text()
    section = text[text.index("## Top-Level Imports") : text.index("## RoomKit Constructor")]
    return re.findall(r"^\| `(\w+)(?:\(\))?` \|", section, re.M)


def spec_import_paths() -> dict[str, set[str]]:
    text = SPEC.read_text()
    paths: dict[str, set[str]] = {}
    statements = re.findall(r"^from (roomkit[\w.]*) import (\([^)]*\)|[^\n]*)$", text, re.M)
    for module, names in statements:
        names = names.split("#", 1)[0].strip("() \n")
        found = {n.strip() for n in names.replace("\n", ",").split(",") if n.strip()}
        paths.setdefault(module, set()).update(found)
    return paths


def test_every_top_level_symbol_is_importable() -> None:
    missing = [name for name in TOP_LEVEL if not hasattr(roomkit, name)]
    assert missing == []
    assert set(TOP_LEVEL) <= set(roomkit.__all__)


@pytest.mark.skipif(not SPEC.exists(), reason="../shared/SPEC.md is not beside the repository")
def test_the_hard_coded_list_matches_the_spec() -> None:
    assert sorted(spec_top_level()) == sorted(TOP_LEVEL)


@pytest.mark.skipif(not SPEC.exists(), reason="../shared/SPEC.md is not beside the repository")
def test_every_documented_import_path() -> None:
    report: list[tuple[str, str]] = []
    holes: list[str] = []
    for module, names in sorted(spec_import_paths().items()):
        if module.startswith(NOT_BUILT):
            report.append((module, "not built (later subsystem)"))
            continue
        try:
            imported = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            holes.append(f"{module}: {exc}")
            continue
        except ImportError as exc:
            hint = str(exc)
            assert "--find-links dist" in hint, f"{module}: unclear ImportError {exc}"
            assert "pip install roomkit[" not in hint, f"{module}: points at the registry: {exc}"
            report.append((module, "adapter not installed: " + str(exc).split(": ", 1)[1]))
            continue
        try:
            absent = sorted(n for n in names if not hasattr(imported, n))
        except ImportError as exc:  # a name served by an adapter distribution
            assert "--find-links dist" in str(exc), f"{module}: unclear ImportError {exc}"
            report.append((module, "adapter not installed: " + str(exc).split(": ", 1)[1]))
            continue
        if absent:
            holes.append(f"{module} lacks {absent}")
        else:
            report.append((module, "ok"))
    print("\n".join(f"{m:45} {what}" for m, what in report))
    assert holes == []
    assert sum(1 for _, what in report if what == "ok") >= 20


def test_placeholders_say_what_is_missing() -> None:
    with pytest.raises(NotAvailableError, match="realtime voice"):
        roomkit.RealtimeAudioVideoChannel("voice")
    assert roomkit.get_current_voice_session() is None


def test_ai_documentation_helpers_describe_the_api() -> None:
    assert "RoomKit" in roomkit.get_llms_txt()
    assert "process_inbound" in roomkit.get_llms_full_txt()
    assert "model_copy" in roomkit.get_agents_md()
    assert roomkit.get_ai_context().startswith(roomkit.get_agents_md())
