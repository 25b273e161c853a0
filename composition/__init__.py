"""RoomKit: rooms, channels, hooks and AI over one inbound pipeline.

``from roomkit import RoomKit, InboundMessage, TextContent, WebSocketChannel, ...``
"""

from collections.abc import Awaitable, Callable

from roomkit.ai_docs import get_agents_md, get_ai_context, get_llms_full_txt, get_llms_txt
from roomkit.application.ai.agent import Agent
from roomkit.application.ai.channel import AIChannel
from roomkit.application.ai.tools import Tool, ToolHandler
from roomkit.application.orchestration.strategies import (
    Loop,
    Orchestration,
    Pipeline,
    Supervisor,
    Swarm,
)
from roomkit.application.realtime_voice.channel import RealtimeVoiceChannel
from roomkit.application.voice.channel import VoiceChannel
from roomkit.domain.ai import AIContext, AIResponse, AITool, AIToolCall, ToolCallEvent
from roomkit.domain.channel import ChannelBinding, ChannelCapabilities, RateLimit, RetryPolicy
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
from roomkit.domain.delivery import ChannelOutput, DeliveryResult, DeliveryStatus, ProviderResult
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
    ChannelNotFoundError,
    ChannelNotRegisteredError,
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
)
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.framework import FrameworkEvent
from roomkit.domain.hooks import HookResult, InjectedEvent
from roomkit.domain.identity import Identity, IdentityHookResult, IdentityResult
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.domain.participant import Participant
from roomkit.domain.realtime import EphemeralEvent
from roomkit.domain.room import Room, RoomTimers
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
from roomkit.unavailable import placeholder
from roomkit.voice_types import SessionStartedEvent, get_current_voice_session

ToolCallCallback = Callable[[ToolCallEvent], Awaitable[None]]

AudioVideoChannel = placeholder("AudioVideoChannel", "voice and video")
RealtimeAudioVideoChannel = placeholder("RealtimeAudioVideoChannel", "realtime voice")
VideoChannel = placeholder("VideoChannel", "voice and video")

__all__ = [
    "AIChannel",
    "AIContext",
    "AIResponse",
    "AITool",
    "AIToolCall",
    "Access",
    "Agent",
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
    "FrameworkEvent",
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
    "WhatsAppChannel",
    "WhatsAppPersonalChannel",
    "get_agents_md",
    "get_ai_context",
    "get_current_voice_session",
    "get_llms_full_txt",
    "get_llms_txt",
]
