"""The error hierarchy. Every error names the thing that was wrong."""

from __future__ import annotations


class RoomKitError(Exception):
    """Base class of every error RoomKit raises on purpose."""


class RoomNotFoundError(RoomKitError):
    def __init__(self, room_id: str) -> None:
        super().__init__(f"room {room_id!r} does not exist")
        self.room_id = room_id


class RoomClosedError(RoomKitError):
    """A closed or archived room refuses new messages."""

    def __init__(self, room_id: str, status: str) -> None:
        super().__init__(f"room {room_id!r} is {status} and accepts no new messages")
        self.room_id = room_id
        self.status = status


class InvalidRoomTransitionError(RoomKitError):
    def __init__(self, room_id: str, current: str, target: str) -> None:
        super().__init__(f"room {room_id!r} cannot go from {current} to {target}")
        self.room_id = room_id
        self.current = current
        self.target = target


class ChannelNotFoundError(RoomKitError):
    def __init__(self, channel_id: str, room_id: str | None = None) -> None:
        where = f" in room {room_id!r}" if room_id else ""
        super().__init__(f"channel {channel_id!r} is not attached{where}")
        self.channel_id = channel_id
        self.room_id = room_id


class AmbiguousRoomError(RoomKitError, LookupError):
    """The inbound router cannot tell which of several rooms a message without ``room_id`` is for.

    Pass ``room_id`` to ``process_inbound``, or choose a rule for the default router in the
    configuration (docs/pipeline.md, "Which room a message goes to").
    """

    def __init__(self, channel_id: str, sender_id: str, candidates: list[str]) -> None:
        listing = ", ".join(repr(c) for c in candidates)
        super().__init__(
            f"channel {channel_id!r} is attached to {len(candidates)} open rooms ({listing}) and "
            f"sender {sender_id!r} takes part in none or several of them: pass room_id to "
            'process_inbound, or set inbound_router = { kind = "default", ambiguous = '
            '"most_recent" } to pick the most recently active room'
        )
        self.channel_id = channel_id
        self.sender_id = sender_id
        self.candidates = candidates


class ChannelNotRegisteredError(RoomKitError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(
            f"channel {channel_id!r} is not registered; call kit.register_channel(...) first"
        )
        self.channel_id = channel_id


class ChannelAlreadyRegisteredError(RoomKitError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"a channel with id {channel_id!r} is already registered")
        self.channel_id = channel_id


class ParticipantNotFoundError(RoomKitError):
    def __init__(self, participant_id: str, room_id: str | None = None) -> None:
        where = f" in room {room_id!r}" if room_id else ""
        super().__init__(f"participant {participant_id!r} not found{where}")
        self.participant_id = participant_id


class IdentityNotFoundError(RoomKitError):
    def __init__(self, identity_id: str) -> None:
        super().__init__(f"identity {identity_id!r} not found")
        self.identity_id = identity_id


class SourceAlreadyAttachedError(RoomKitError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"a source is already attached to channel {channel_id!r}")


class SourceNotFoundError(RoomKitError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"no source is attached to channel {channel_id!r}")


class VoiceBackendNotConfiguredError(RoomKitError):
    """Raised when a voice operation needs a backend that was not given."""


class VoiceNotConfiguredError(RoomKitError):
    """Raised when STT or TTS is needed but not configured."""


class NotAvailableError(RoomKitError):
    """A documented subsystem that this installation does not provide yet."""

    def __init__(self, name: str, hint: str) -> None:
        super().__init__(f"{name} is not available in this installation: {hint}")
        self.name = name


class InboundRateLimitedError(RoomKitError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"inbound rate limit exceeded (message from channel {channel_id!r})")


class HookNotFoundError(RoomKitError):
    def __init__(self, name: str, room_id: str) -> None:
        super().__init__(f"no hook named {name!r} in room {room_id!r}")


class ProcessTimeoutError(RoomKitError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"inbound processing exceeded process_timeout={seconds}s")


class InvalidEventError(RoomKitError, ValueError):
    """An event (or an id) no store could keep and read back; nothing was stored."""


class DeliveryError(RoomKitError):
    """A channel could not deliver an event."""


class DeliveryTimeoutError(DeliveryError, TimeoutError):
    """One delivery attempt outlived its ``delivery_timeout``."""

    def __init__(self, channel_id: str, seconds: float) -> None:
        super().__init__(f"delivery to channel {channel_id!r} timed out after {seconds}s")
        self.channel_id = channel_id
        self.seconds = seconds


class CircuitOpenError(RoomKitError):
    def __init__(self, key: str) -> None:
        super().__init__(f"circuit for {key!r} is open; request rejected")


class ContentTooDeepError(RoomKitError, ValueError):
    """CompositeContent nested deeper than the allowed maximum."""


class AdapterNotFoundError(RoomKitError, LookupError):
    """No adapter of that name is registered for the port."""

    def __init__(self, port: str, name: str, known: list[str]) -> None:
        listing = ", ".join(sorted(known)) or "none"
        super().__init__(f"no {port} adapter named {name!r}; installed: {listing}")
        self.port = port
        self.name = name
        self.known = known


class ConfigError(RoomKitError, ValueError):
    """A configuration file or mapping given to ``RoomKit.from_config`` is not valid."""

    def __init__(self, problems: list[str], source: str = "the configuration") -> None:
        super().__init__(f"invalid {source}: " + "; ".join(problems))
        self.problems = problems


class AdapterConfigError(RoomKitError, ValueError):
    """The settings given for an adapter do not validate."""

    def __init__(self, port: str, name: str, problems: list[str]) -> None:
        super().__init__(f"invalid settings for {port} adapter {name!r}: " + "; ".join(problems))
        self.port = port
        self.name = name
        self.problems = problems


class PluginLoadError(RoomKitError):
    """A plugin failed to load while strict plugin loading was asked for."""


class AdapterFactoryError(RoomKitError, TypeError):
    """An adapter's factory built nothing usable (None, or not an instance of the port)."""

    def __init__(self, port: str, name: str, distribution: str, problem: str) -> None:
        super().__init__(f"{port} adapter {name!r} (from {distribution}): {problem}")
        self.port = port
        self.name = name
        self.distribution = distribution


class DuplicateAdapterError(RoomKitError):
    def __init__(self, port: str, name: str, first: str, second: str) -> None:
        super().__init__(f"{port} adapter {name!r} is registered twice: by {first} and by {second}")


class RoomAlreadyExistsError(RoomKitError):
    def __init__(self, room_id: str) -> None:
        super().__init__(f"room {room_id!r} already exists")
        self.room_id = room_id


class AIProviderError(RoomKitError):
    """An AI provider's API refused or failed a request; ``provider`` and ``status`` say which."""

    def __init__(self, provider: str, message: str, status: int | None = None) -> None:
        where = f"{provider} ({status})" if status else provider
        super().__init__(f"{where}: {message}")
        self.provider = provider
        self.status = status


class AIAuthenticationError(AIProviderError):
    """The API key was refused (401/403)."""


class AIRateLimitError(AIProviderError):
    """Still rate limited (429) after the configured retries."""


class AIProviderUnavailableError(AIProviderError):
    """Server errors (5xx) or connection failures, after the configured retries."""


class AITimeoutError(AIProviderError):
    """The request took longer than the configured timeout."""


class AIRequestError(AIProviderError):
    """The API rejected the request itself (400): a bug in what was sent."""


class AIStreamError(AIProviderError):
    """A stream ended early or could not be parsed; nothing from it is stored."""


class DuplicateEventError(RoomKitError):
    """The store already holds an event with this provider_message_id in the room (another
    process stored it first); the pipeline answers with that first event."""

    def __init__(self, room_id: str, provider_message_id: str) -> None:
        super().__init__(
            f"provider_message_id {provider_message_id!r} is already stored in room {room_id!r}"
        )
        self.room_id = room_id
        self.provider_message_id = provider_message_id


class WebhookError(RoomKitError):
    """A webhook RoomKit refused; nothing from it was stored."""


class WebhookRequestError(WebhookError, ValueError):
    """The ``meta`` handed to ``process_webhook`` is not ``{method, url, headers, body}``."""


class WebhookSignatureError(WebhookError):
    """The webhook's signature is missing, stale or does not match: it is not from the vendor."""

    def __init__(self, provider: str, reason: str) -> None:
        super().__init__(f"{provider} webhook rejected: {reason}")
        self.provider = provider
        self.reason = reason


class WebhookPayloadError(WebhookError, ValueError):
    """An authenticated webhook whose body is not what the vendor sends."""

    def __init__(self, provider: str, problem: str) -> None:
        super().__init__(f"{provider} webhook payload is malformed: {problem}")
        self.provider = provider
        self.problem = problem


class NoWebhookParserError(WebhookError):
    def __init__(self, channel_id: str) -> None:
        super().__init__(
            f"channel {channel_id!r} has no webhook parser: its provider does not receive webhooks"
        )
        self.channel_id = channel_id


class FallbackPolicyError(RoomKitError, ValueError):
    """A binding's FallbackPolicy names a channel it cannot fall back to."""
