"""One participant per identified person: an IDENTIFIED sender's participant id is the
identity's id, whichever channel they write from.

The participant record keeps the address they wrote from last (``channel_id``,
``external_id``, so replies through a transport channel go where the person last wrote) and
every address seen in ``metadata["addresses"]`` (channel id -> address).
"""

from __future__ import annotations

from roomkit.domain.enums import IdentificationStatus
from roomkit.domain.identity import Identity
from roomkit.domain.inbound import ADDRESS_DETAILS, InboundMessage
from roomkit.domain.participant import Participant
from roomkit.ports.store import ConversationStore

ADDRESSES = "addresses"


async def identified_participant(
    store: ConversationStore, room_id: str, message: InboundMessage, identity: Identity
) -> Participant:
    """The room's participant for ``identity`` (created, or moved to this address)."""
    existing = await store.get_participant(room_id, identity.id)
    addresses = dict(existing.metadata.get(ADDRESSES) or {}) if existing is not None else {}
    addresses[message.channel_id] = message.sender_id
    fields = {
        "channel_id": message.channel_id,
        "external_id": message.sender_id,
        "identification": IdentificationStatus.IDENTIFIED,
        "identity_id": identity.id,
    }
    if existing is None:
        return await store.add_participant(
            Participant(
                id=identity.id,
                room_id=room_id,
                display_name=identity.display_name,
                metadata={ADDRESSES: addresses},
                **fields,
            )
        )
    if existing.metadata.get(ADDRESSES) == addresses and all(
        getattr(existing, k) == v for k, v in fields.items()
    ):
        return existing
    return await store.update_participant(
        existing.model_copy(
            update={
                **fields,
                "display_name": identity.display_name or existing.display_name,
                "metadata": {**existing.metadata, ADDRESSES: addresses},
            }
        )
    )


async def remember_address(
    store: ConversationStore, participant: Participant, message: InboundMessage
) -> Participant:
    """Keep the message's ``ADDRESS_DETAILS`` (how to write back to the sender, e.g. a Teams
    conversation reference) on the participant, per channel; written only when it changed."""
    details = message.metadata.get(ADDRESS_DETAILS)
    if not isinstance(details, dict) or not details:
        return participant
    known = participant.metadata.get(ADDRESS_DETAILS)
    known = dict(known) if isinstance(known, dict) else {}
    if known.get(message.channel_id) == details:
        return participant
    known[message.channel_id] = details
    return await store.update_participant(
        participant.model_copy(
            update={"metadata": {**participant.metadata, ADDRESS_DETAILS: known}}
        )
    )
