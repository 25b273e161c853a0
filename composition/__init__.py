"""RoomKit: rooms, channels, hooks and AI over one inbound pipeline.

``from roomkit import RoomKit, InboundMessage, TextContent, WebSocketChannel, ...``

Names are imported on first use (PEP 562), so ``import roomkit`` stays cheap and a program pays
only for the subsystems it touches.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from roomkit.ai_docs import (
        get_agents_md,
        get_ai_context,
        get_llms_full_txt,
        get_llms_txt,
    )
    from roomkit.application.ai.agent import Agent
    from roomkit.application.ai.channel import AIChannel
    from roomkit.application.ai.function_tool import FunctionTool, tool
    from roomkit.application.ai.tools import (
        Tool,
        ToolHandler,
    )
    from roomkit.application.orchestration.strategies import (
        Loop,
        Orchestration,
        Pipeline,
        Supervisor,
        Swarm,
    )
    from roomkit.application.realtime_voice.channel import RealtimeVoiceChannel
    from roomkit.application.voice.channel import VoiceChannel
    from roomkit.domain.ai import (
        AIContext,
        AIResponse,
        AITool,
        AIToolCall,
        ToolCallEvent,
    )
    from roomkit.domain.channel import (
        ChannelBinding,
        ChannelCapabilities,
        RateLimit,
        RetryPolicy,
    )
    from roomkit.domain.content import (
        AudioContent,
        CompositeContent,
        DeleteContent,
        EditContent,
        EventContent,
        LocationContent,
        MediaContent,
        RichContent,
        SystemContent,
        TemplateContent,
        TextContent,
        VideoContent,
    )
    from roomkit.domain.context import RoomContext
    from roomkit.domain.delivery import (
        ChannelOutput,
        DeliveryResult,
        DeliveryStatus,
        ProviderResult,
    )
    from roomkit.domain.enums import (
        Access,
        ChannelCategory,
        ChannelDirection,
        ChannelMediaType,
        ChannelType,
        EphemeralEventType,
        EventStatus,
        EventType,
        HookExecution,
        HookTrigger,
        IdentificationStatus,
        RoomStatus,
    )
    from roomkit.domain.errors import (
        AmbiguousRoomError,
        ChannelNotFoundError,
        ChannelNotRegisteredError,
        FallbackPolicyError,
        IdentityNotFoundError,
        NotAvailableError,
        ParticipantNotFoundError,
        RoomClosedError,
        RoomKitError,
        RoomNotFoundError,
        SourceAlreadyAttachedError,
        SourceNotFoundError,
        VoiceBackendNotConfiguredError,
        VoiceNotConfiguredError,
        WebhookError,
        WebhookPayloadError,
        WebhookRequestError,
        WebhookSignatureError,
    )
    from roomkit.domain.event import (
        EventSource,
        RoomEvent,
    )
    from roomkit.domain.fallback import FallbackPolicy, FallbackState, PendingFallback
    from roomkit.domain.framework import FrameworkEvent
    from roomkit.domain.hooks import (
        HookResult,
        InjectedEvent,
    )
    from roomkit.domain.identity import (
        Identity,
        IdentityHookResult,
        IdentityResult,
    )
    from roomkit.domain.inbound import (
        InboundMessage,
        InboundResult,
    )
    from roomkit.domain.participant import Participant
    from roomkit.domain.realtime import EphemeralEvent
    from roomkit.domain.room import (
        Room,
        RoomTimers,
    )
    from roomkit.domain.webhook import WebhookOutcome, WebhookRequest
    from roomkit.kit import RoomKit
    from roomkit.plugins.builtin.cli import CLIChannel
    from roomkit.plugins.builtin.websocket import WebSocketChannel
    from roomkit.ports.channel import Channel
    from roomkit.transports import (
        EmailChannel,
        HTTPChannel,
        MessengerChannel,
        RCSChannel,
        SMSChannel,
        TeamsChannel,
        TelegramChannel,
        TransportChannel,
        WhatsAppChannel,
        WhatsAppPersonalChannel,
    )
    from roomkit.voice_types import (
        SessionStartedEvent,
        get_current_voice_session,
    )

    ToolCallCallback = Callable[[ToolCallEvent], Awaitable[None]]
    AudioVideoChannel: type
    RealtimeAudioVideoChannel: type
    VideoChannel: type

#: public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "AIChannel": "roomkit.application.ai.channel",
    "AIContext": "roomkit.domain.ai",
    "AIResponse": "roomkit.domain.ai",
    "AITool": "roomkit.domain.ai",
    "AIToolCall": "roomkit.domain.ai",
    "Access": "roomkit.domain.enums",
    "Agent": "roomkit.application.ai.agent",
    "AmbiguousRoomError": "roomkit.domain.errors",
    "AudioContent": "roomkit.domain.content",
    "CLIChannel": "roomkit.plugins.builtin.cli",
    "Channel": "roomkit.ports.channel",
    "ChannelBinding": "roomkit.domain.channel",
    "ChannelCapabilities": "roomkit.domain.channel",
    "ChannelCategory": "roomkit.domain.enums",
    "ChannelDirection": "roomkit.domain.enums",
    "ChannelMediaType": "roomkit.domain.enums",
    "ChannelNotFoundError": "roomkit.domain.errors",
    "ChannelNotRegisteredError": "roomkit.domain.errors",
    "ChannelOutput": "roomkit.domain.delivery",
    "ChannelType": "roomkit.domain.enums",
    "CompositeContent": "roomkit.domain.content",
    "DeleteContent": "roomkit.domain.content",
    "DeliveryResult": "roomkit.domain.delivery",
    "DeliveryStatus": "roomkit.domain.delivery",
    "EditContent": "roomkit.domain.content",
    "EmailChannel": "roomkit.transports",
    "EphemeralEvent": "roomkit.domain.realtime",
    "EphemeralEventType": "roomkit.domain.enums",
    "EventContent": "roomkit.domain.content",
    "EventSource": "roomkit.domain.event",
    "EventStatus": "roomkit.domain.enums",
    "EventType": "roomkit.domain.enums",
    "FrameworkEvent": "roomkit.domain.framework",
    "HTTPChannel": "roomkit.transports",
    "HookExecution": "roomkit.domain.enums",
    "HookResult": "roomkit.domain.hooks",
    "HookTrigger": "roomkit.domain.enums",
    "IdentificationStatus": "roomkit.domain.enums",
    "Identity": "roomkit.domain.identity",
    "IdentityHookResult": "roomkit.domain.identity",
    "IdentityNotFoundError": "roomkit.domain.errors",
    "FallbackPolicy": "roomkit.domain.fallback",
    "FallbackPolicyError": "roomkit.domain.errors",
    "FallbackState": "roomkit.domain.fallback",
    "IdentityResult": "roomkit.domain.identity",
    "InboundMessage": "roomkit.domain.inbound",
    "InboundResult": "roomkit.domain.inbound",
    "InjectedEvent": "roomkit.domain.hooks",
    "LocationContent": "roomkit.domain.content",
    "Loop": "roomkit.application.orchestration.strategies",
    "MediaContent": "roomkit.domain.content",
    "MessengerChannel": "roomkit.transports",
    "NotAvailableError": "roomkit.domain.errors",
    "Orchestration": "roomkit.application.orchestration.strategies",
    "Participant": "roomkit.domain.participant",
    "ParticipantNotFoundError": "roomkit.domain.errors",
    "Pipeline": "roomkit.application.orchestration.strategies",
    "PendingFallback": "roomkit.domain.fallback",
    "ProviderResult": "roomkit.domain.delivery",
    "RCSChannel": "roomkit.transports",
    "RealtimeVoiceChannel": "roomkit.application.realtime_voice.channel",
    "RateLimit": "roomkit.domain.channel",
    "RetryPolicy": "roomkit.domain.channel",
    "RichContent": "roomkit.domain.content",
    "Room": "roomkit.domain.room",
    "RoomClosedError": "roomkit.domain.errors",
    "RoomContext": "roomkit.domain.context",
    "RoomEvent": "roomkit.domain.event",
    "RoomKit": "roomkit.kit",
    "RoomKitError": "roomkit.domain.errors",
    "RoomNotFoundError": "roomkit.domain.errors",
    "RoomStatus": "roomkit.domain.enums",
    "RoomTimers": "roomkit.domain.room",
    "SMSChannel": "roomkit.transports",
    "SessionStartedEvent": "roomkit.voice_types",
    "SourceAlreadyAttachedError": "roomkit.domain.errors",
    "SourceNotFoundError": "roomkit.domain.errors",
    "Supervisor": "roomkit.application.orchestration.strategies",
    "Swarm": "roomkit.application.orchestration.strategies",
    "SystemContent": "roomkit.domain.content",
    "TeamsChannel": "roomkit.transports",
    "TelegramChannel": "roomkit.transports",
    "TemplateContent": "roomkit.domain.content",
    "TextContent": "roomkit.domain.content",
    "Tool": "roomkit.application.ai.tools",
    "ToolCallEvent": "roomkit.domain.ai",
    "ToolHandler": "roomkit.application.ai.tools",
    "FunctionTool": "roomkit.application.ai.function_tool",
    "tool": "roomkit.application.ai.function_tool",
    "TransportChannel": "roomkit.transports",
    "VideoContent": "roomkit.domain.content",
    "VoiceBackendNotConfiguredError": "roomkit.domain.errors",
    "VoiceChannel": "roomkit.application.voice.channel",
    "VoiceNotConfiguredError": "roomkit.domain.errors",
    "WebSocketChannel": "roomkit.plugins.builtin.websocket",
    "WebhookError": "roomkit.domain.errors",
    "WebhookOutcome": "roomkit.domain.webhook",
    "WebhookPayloadError": "roomkit.domain.errors",
    "WebhookRequest": "roomkit.domain.webhook",
    "WebhookRequestError": "roomkit.domain.errors",
    "WebhookSignatureError": "roomkit.domain.errors",
    "WhatsAppChannel": "roomkit.transports",
    "WhatsAppPersonalChannel": "roomkit.transports",
    "get_agents_md": "roomkit.ai_docs",
    "get_ai_context": "roomkit.ai_docs",
    "get_current_voice_session": "roomkit.voice_types",
    "get_llms_full_txt": "roomkit.ai_docs",
    "get_llms_txt": "roomkit.ai_docs",
}

#: documented names of subsystems this installation does not provide: name -> subsystem
_PLACEHOLDERS: dict[str, str] = {
    "AudioVideoChannel": "voice and video",
    "RealtimeAudioVideoChannel": "realtime voice",
    "VideoChannel": "voice and video",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _PLACEHOLDERS:
        from roomkit.unavailable import placeholder

        value = placeholder(name, _PLACEHOLDERS[name])
    elif name == "ToolCallCallback":
        from collections.abc import Awaitable, Callable

        from roomkit.domain.ai import ToolCallEvent

        value = Callable[[ToolCallEvent], Awaitable[None]]
    else:
        raise AttributeError(f"module 'roomkit' has no attribute {name!r}")
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AIChannel",
    "AIContext",
    "AIResponse",
    "AITool",
    "AIToolCall",
    "Access",
    "Agent",
    "AmbiguousRoomError",
    "AudioContent",
    "AudioVideoChannel",
    "CLIChannel",
    "Channel",
    "ChannelBinding",
    "ChannelCapabilities",
    "ChannelCategory",
    "ChannelDirection",
    "ChannelMediaType",
    "ChannelNotFoundError",
    "ChannelNotRegisteredError",
    "ChannelOutput",
    "ChannelType",
    "CompositeContent",
    "DeleteContent",
    "DeliveryResult",
    "DeliveryStatus",
    "EditContent",
    "EmailChannel",
    "EphemeralEvent",
    "EphemeralEventType",
    "EventContent",
    "EventSource",
    "EventStatus",
    "EventType",
    "FallbackPolicy",
    "FallbackPolicyError",
    "FallbackState",
    "FrameworkEvent",
    "FunctionTool",
    "HTTPChannel",
    "HookExecution",
    "HookResult",
    "HookTrigger",
    "IdentificationStatus",
    "Identity",
    "IdentityHookResult",
    "IdentityNotFoundError",
    "IdentityResult",
    "InboundMessage",
    "InboundResult",
    "InjectedEvent",
    "LocationContent",
    "Loop",
    "MediaContent",
    "MessengerChannel",
    "NotAvailableError",
    "Orchestration",
    "Participant",
    "ParticipantNotFoundError",
    "PendingFallback",
    "Pipeline",
    "ProviderResult",
    "RCSChannel",
    "RateLimit",
    "RealtimeAudioVideoChannel",
    "RealtimeVoiceChannel",
    "RetryPolicy",
    "RichContent",
    "Room",
    "RoomClosedError",
    "RoomContext",
    "RoomEvent",
    "RoomKit",
    "RoomKitError",
    "RoomNotFoundError",
    "RoomStatus",
    "RoomTimers",
    "SMSChannel",
    "SessionStartedEvent",
    "SourceAlreadyAttachedError",
    "SourceNotFoundError",
    "Supervisor",
    "Swarm",
    "SystemContent",
    "TeamsChannel",
    "TelegramChannel",
    "TemplateContent",
    "TextContent",
    "Tool",
    "ToolCallCallback",
    "ToolCallEvent",
    "ToolHandler",
    "TransportChannel",
    "VideoChannel",
    "VideoContent",
    "VoiceBackendNotConfiguredError",
    "VoiceChannel",
    "VoiceNotConfiguredError",
    "WebSocketChannel",
    "WebhookError",
    "WebhookOutcome",
    "WebhookPayloadError",
    "WebhookRequest",
    "WebhookRequestError",
    "WebhookSignatureError",
    "WhatsAppChannel",
    "WhatsAppPersonalChannel",
    "get_agents_md",
    "get_ai_context",
    "get_current_voice_session",
    "get_llms_full_txt",
    "get_llms_txt",
    "tool",
]
