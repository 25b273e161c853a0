"""Transport channel factories: ``SMSChannel("sms", provider=...)`` and friends."""

from __future__ import annotations

from roomkit.domain.channel import ChannelCapabilities
from roomkit.domain.enums import ChannelType
from roomkit.plugins.builtin.transport import TransportChannel
from roomkit.ports.messaging import MessageProvider


def _factory(channel_type: ChannelType, name: str):  # type: ignore[no-untyped-def]
    def make(
        channel_id: str,
        provider: MessageProvider,
        capabilities: ChannelCapabilities | None = None,
    ) -> TransportChannel:
        return TransportChannel(
            channel_id, provider, channel_type=channel_type, capabilities=capabilities
        )

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"A {channel_type} TransportChannel; ``provider`` sends the messages."
    return make


SMSChannel = _factory(ChannelType.SMS, "SMSChannel")
RCSChannel = _factory(ChannelType.RCS, "RCSChannel")
EmailChannel = _factory(ChannelType.EMAIL, "EmailChannel")
WhatsAppChannel = _factory(ChannelType.WHATSAPP, "WhatsAppChannel")
WhatsAppPersonalChannel = _factory(ChannelType.WHATSAPP_PERSONAL, "WhatsAppPersonalChannel")
MessengerChannel = _factory(ChannelType.MESSENGER, "MessengerChannel")
TelegramChannel = _factory(ChannelType.TELEGRAM, "TelegramChannel")
TeamsChannel = _factory(ChannelType.TEAMS, "TeamsChannel")
HTTPChannel = _factory(ChannelType.HTTP, "HTTPChannel")

__all__ = [
    "EmailChannel",
    "HTTPChannel",
    "MessengerChannel",
    "RCSChannel",
    "SMSChannel",
    "TeamsChannel",
    "TelegramChannel",
    "TransportChannel",
    "WhatsAppChannel",
    "WhatsAppPersonalChannel",
]
