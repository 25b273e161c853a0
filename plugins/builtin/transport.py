"""TransportChannel: a channel that sends through a MessageProvider to each recipient.

Recipients are the binding's ``metadata["to"]`` (a string or a list; the sender of an event
that came in through this channel excepted), else every participant whose last message came
through this channel, except the author of the event (a person writing by email is not sent
their own words by SMS).
"""

from __future__ import annotations

import asyncio
from typing import Any

from roomkit.domain.channel import ChannelBinding, ChannelCapabilities
from roomkit.domain.context import RoomContext
from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ChannelOutput, ProviderResult
from roomkit.domain.enums import ChannelMediaType, ChannelType
from roomkit.domain.errors import DeliveryError
from roomkit.domain.event import RoomEvent
from roomkit.domain.inbound import ADDRESS_DETAILS
from roomkit.ports.channel import Channel
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser

M = ChannelMediaType

DEFAULT_CAPABILITIES: dict[ChannelType, ChannelCapabilities] = {
    ChannelType.SMS: ChannelCapabilities(media_types=[M.TEXT], max_length=1600),
    ChannelType.RCS: ChannelCapabilities(
        media_types=[M.TEXT, M.RICH, M.MEDIA], supports_buttons=True, supports_read_receipts=True
    ),
    ChannelType.EMAIL: ChannelCapabilities(media_types=[M.TEXT, M.RICH, M.MEDIA]),
    ChannelType.WHATSAPP: ChannelCapabilities(
        media_types=[M.TEXT, M.RICH, M.MEDIA, M.AUDIO, M.VIDEO, M.LOCATION, M.TEMPLATE],
        max_length=4096,
        supports_reactions=True,
        supports_read_receipts=True,
        supports_buttons=True,
    ),
    ChannelType.WHATSAPP_PERSONAL: ChannelCapabilities(
        media_types=[M.TEXT, M.MEDIA, M.AUDIO, M.VIDEO, M.LOCATION], supports_reactions=True
    ),
    ChannelType.MESSENGER: ChannelCapabilities(
        media_types=[M.TEXT, M.RICH, M.MEDIA, M.AUDIO, M.VIDEO],
        max_length=2000,
        supports_buttons=True,
        supports_read_receipts=True,
    ),
    ChannelType.TELEGRAM: ChannelCapabilities(
        media_types=[M.TEXT, M.RICH, M.MEDIA, M.AUDIO, M.VIDEO, M.LOCATION],
        max_length=4096,
        supports_edit=True,
        supports_delete=True,
        supports_buttons=True,
    ),
    # edits and deletes go out as new messages ("Correction: ...", "[Message deleted]")
    ChannelType.TEAMS: ChannelCapabilities(media_types=[M.TEXT, M.RICH, M.MEDIA]),
    ChannelType.HTTP: ChannelCapabilities(
        media_types=[M.TEXT, M.RICH, M.MEDIA, M.AUDIO, M.VIDEO, M.LOCATION, M.TEMPLATE]
    ),
}


class TransportChannel(Channel):
    def __init__(
        self,
        channel_id: str,
        provider: MessageProvider,
        *,
        channel_type: ChannelType = ChannelType.HTTP,
        capabilities: ChannelCapabilities | None = None,
    ) -> None:
        super().__init__(channel_id)
        self.provider = provider
        self.channel_type = channel_type
        if capabilities is None:
            capabilities = DEFAULT_CAPABILITIES.get(channel_type, ChannelCapabilities())
            if provider.splits_long_text and capabilities.max_length is not None:
                capabilities = capabilities.model_copy(update={"max_length": None})
        self._capabilities = capabilities

    def capabilities(self) -> ChannelCapabilities:
        return self._capabilities

    def recipients(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> list[str]:
        sender = event.source.external_id if event.source.channel_id == self.channel_id else None
        configured = binding.metadata.get("to")
        if configured:  # never echo a person's own message back to them
            targets = [configured] if isinstance(configured, str) else list(configured)
            return [to for to in targets if to != sender]
        author = event.source.participant_id
        return [
            p.external_id
            for p in context.participants
            if p.channel_id == self.channel_id
            and p.external_id
            and p.external_id != sender
            and (author is None or p.id != author)
        ]

    def reaches_anyone(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> bool:
        """False when no one but the sender would get it (a subclass's own ``deliver`` is
        always called)."""
        if type(self).deliver is not TransportChannel.deliver:
            return True
        return bool(self.recipients(event, binding, context))

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Send to each recipient (concurrently); raise DeliveryError naming those refused."""
        recipients = self.recipients(event, binding, context)
        if not recipients:
            return ChannelOutput.empty()
        details = self.address_details(binding, context)
        if len(recipients) == 1:
            results = [await self._send(event, recipients[0], details)]
        else:
            results = list(
                await asyncio.gather(*(self._send(event, to, details) for to in recipients))
            )
        refused = [
            f"{to}: {r.error or 'refused'}"
            for to, r in zip(recipients, results, strict=True)
            if not r.success
        ]
        if refused:
            raise DeliveryError(f"{self.provider.name} refused: " + "; ".join(refused))
        if len(results) == 1:
            return ChannelOutput(provider_result=results[0])
        ids = [i for r in results for i in _ids(r)]
        first = results[0]
        return ChannelOutput(
            provider_result=first.model_copy(
                update={"metadata": {**first.metadata, PROVIDER_MESSAGE_IDS: ids}}
            )
        )

    def address_details(
        self, binding: ChannelBinding, context: RoomContext
    ) -> dict[str, dict[str, Any]]:
        """Stored address details by address: each participant's for this channel (kept from
        the messages they sent, ``ADDRESS_DETAILS``), then the binding's own, which win."""
        found: dict[str, dict[str, Any]] = {}
        for p in context.participants:
            stored = p.metadata.get(ADDRESS_DETAILS)
            if p.external_id and isinstance(stored, dict):
                mine = stored.get(self.channel_id)
                if isinstance(mine, dict):
                    found[p.external_id] = mine
        own = binding.metadata.get(ADDRESS_DETAILS)
        if isinstance(own, dict):
            found.update({k: v for k, v in own.items() if isinstance(v, dict)})
        return found

    async def _send(
        self, event: RoomEvent, to: str, details: dict[str, dict[str, Any]]
    ) -> ProviderResult:
        known = details.get(to)
        if known is None:
            return await self.provider.send(event, to=to)
        return await self.provider.send_to(event, to, known)

    @property
    def webhook_parser(self) -> WebhookParser | None:
        """The provider, when it receives webhooks (``kit.process_webhook`` uses it)."""
        return self.provider if isinstance(self.provider, WebhookParser) else None

    async def close(self) -> None:
        await self.provider.close()


def _ids(result: ProviderResult) -> list[str]:
    many = result.metadata.get(PROVIDER_MESSAGE_IDS)
    if isinstance(many, list):
        return [str(m) for m in many]
    return [result.provider_message_id] if result.provider_message_id else []
