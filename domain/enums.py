"""Every enumeration the SPEC names. String-valued so they serialise as their names."""

from __future__ import annotations

from enum import StrEnum


class ChannelType(StrEnum):
    SMS = "sms"
    MMS = "mms"
    RCS = "rcs"
    EMAIL = "email"
    WHATSAPP = "whatsapp"
    WHATSAPP_PERSONAL = "whatsapp_personal"
    MESSENGER = "messenger"
    TELEGRAM = "telegram"
    TEAMS = "teams"
    HTTP = "http"
    WEBSOCKET = "websocket"
    VOICE = "voice"
    VIDEO = "video"
    AUDIO_VIDEO = "audio_video"
    REALTIME_VOICE = "realtime_voice"
    AI = "ai"
    CLI = "cli"
    SYSTEM = "system"


class ChannelCategory(StrEnum):
    TRANSPORT = "transport"
    INTELLIGENCE = "intelligence"


class ChannelDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    BIDIRECTIONAL = "bidirectional"


class ChannelMediaType(StrEnum):
    TEXT = "text"
    RICH = "rich"
    MEDIA = "media"
    AUDIO = "audio"
    VIDEO = "video"
    LOCATION = "location"
    TEMPLATE = "template"


class Access(StrEnum):
    READ_WRITE = "read_write"
    READ_ONLY = "read_only"
    WRITE_ONLY = "write_only"
    NONE = "none"

    @property
    def can_read(self) -> bool:
        """True when a binding with this access receives broadcasts."""
        return self in (Access.READ_WRITE, Access.READ_ONLY)

    @property
    def can_write(self) -> bool:
        """True when a binding with this access may send into the room."""
        return self in (Access.READ_WRITE, Access.WRITE_ONLY)


class RoomStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
    ARCHIVED = "archived"


class EventType(StrEnum):
    MESSAGE = "message"
    SYSTEM = "system"
    EDIT = "edit"
    DELETE = "delete"
    TYPING = "typing"
    REACTION = "reaction"
    PARTICIPANT_JOINED = "participant_joined"
    PARTICIPANT_LEFT = "participant_left"
    CHANNEL_ATTACHED = "channel_attached"
    CHANNEL_DETACHED = "channel_detached"
    CHANNEL_MUTED = "channel_muted"
    CHANNEL_UNMUTED = "channel_unmuted"
    ROOM_CREATED = "room_created"
    ROOM_PAUSED = "room_paused"
    ROOM_CLOSED = "room_closed"
    IDENTITY_RESOLVED = "identity_resolved"
    TASK_CREATED = "task_created"
    ERROR = "error"
    SPEECH_START = "speech_start"
    SPEECH_END = "speech_end"
    TRANSCRIPTION = "transcription"
    TOOL_CALL_START = "tool_call_start"
    TOOL_CALL_END = "tool_call_end"


class EventStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    BLOCKED = "blocked"


class HookExecution(StrEnum):
    SYNC = "sync"
    ASYNC = "async"


class HookTrigger(StrEnum):
    # event pipeline
    BEFORE_BROADCAST = "before_broadcast"
    AFTER_BROADCAST = "after_broadcast"
    # channel lifecycle
    ON_CHANNEL_ATTACHED = "on_channel_attached"
    ON_CHANNEL_DETACHED = "on_channel_detached"
    ON_CHANNEL_MUTED = "on_channel_muted"
    ON_CHANNEL_UNMUTED = "on_channel_unmuted"
    # room lifecycle
    ON_ROOM_CREATED = "on_room_created"
    ON_ROOM_PAUSED = "on_room_paused"
    ON_ROOM_CLOSED = "on_room_closed"
    # identity
    ON_IDENTITY_AMBIGUOUS = "on_identity_ambiguous"
    ON_IDENTITY_UNKNOWN = "on_identity_unknown"
    ON_PARTICIPANT_IDENTIFIED = "on_participant_identified"
    # delivery
    ON_DELIVERY_STATUS = "on_delivery_status"
    # side effects
    ON_TASK_CREATED = "on_task_created"
    ON_ERROR = "on_error"
    # voice
    ON_SPEECH_START = "on_speech_start"
    ON_SPEECH_END = "on_speech_end"
    ON_TRANSCRIPTION = "on_transcription"
    BEFORE_TTS = "before_tts"
    AFTER_TTS = "after_tts"
    # voice pipeline
    ON_VAD_SILENCE = "on_vad_silence"
    ON_VAD_AUDIO_LEVEL = "on_vad_audio_level"
    ON_SPEAKER_CHANGE = "on_speaker_change"
    ON_BARGE_IN = "on_barge_in"
    ON_TTS_CANCELLED = "on_tts_cancelled"
    ON_DTMF = "on_dtmf"
    ON_TURN_COMPLETE = "on_turn_complete"
    ON_TURN_INCOMPLETE = "on_turn_incomplete"
    ON_BACKCHANNEL = "on_backchannel"
    ON_RECORDING_STARTED = "on_recording_started"
    ON_RECORDING_STOPPED = "on_recording_stopped"
    ON_INPUT_AUDIO_LEVEL = "on_input_audio_level"
    ON_OUTPUT_AUDIO_LEVEL = "on_output_audio_level"
    # tools
    ON_TOOL_CALL = "on_tool_call"
    # realtime voice
    ON_REALTIME_TEXT_INJECTED = "on_realtime_text_injected"
    # observability
    ON_FEEDBACK = "on_feedback"

    @property
    def default_execution(self) -> HookExecution:
        """The execution mode the SPEC documents for this trigger."""
        return HookExecution.SYNC if self in SYNC_TRIGGERS else HookExecution.ASYNC


SYNC_TRIGGERS: frozenset[HookTrigger] = frozenset(
    {
        HookTrigger.BEFORE_BROADCAST,
        HookTrigger.BEFORE_TTS,
        HookTrigger.ON_IDENTITY_AMBIGUOUS,
        HookTrigger.ON_IDENTITY_UNKNOWN,
    }
)


class IdentificationStatus(StrEnum):
    IDENTIFIED = "identified"
    AMBIGUOUS = "ambiguous"
    PENDING = "pending"
    UNKNOWN = "unknown"
    REJECTED = "rejected"
    CHALLENGE_SENT = "challenge_sent"


class ParticipantRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"
    AGENT = "agent"
    OBSERVER = "observer"
    SYSTEM = "system"


class ParticipantStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    LEFT = "left"
    PENDING = "pending"


class DeliveryState(StrEnum):
    """Outcome of one delivery attempt to one binding."""

    DELIVERED = "delivered"
    SKIPPED = "skipped"
    FAILED = "failed"
    RATE_LIMITED = "rate_limited"
    CIRCUIT_OPEN = "circuit_open"


class EphemeralEventType(StrEnum):
    TYPING_START = "typing_start"
    TYPING_STOP = "typing_stop"
    PRESENCE_ONLINE = "presence_online"
    PRESENCE_AWAY = "presence_away"
    PRESENCE_OFFLINE = "presence_offline"
    READ_RECEIPT = "read_receipt"
    REACTION = "reaction"
    TOOL_CALL_START = "tool_call_start"
    TOOL_CALL_END = "tool_call_end"
    CUSTOM = "custom"


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"
