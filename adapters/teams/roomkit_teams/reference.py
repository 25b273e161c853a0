"""ConversationReference: what the bot needs to write into a Teams conversation later (its
serviceUrl, the conversation, the bot and user accounts, the tenant). RoomKit keeps one per
sender on the participant (``metadata["address_details"][channel_id]``) through the store."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from roomkit.domain.inbound import ADDRESS_DETAILS


class Account(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    name: str | None = None
    aad_object_id: str | None = None


class ConversationReference(BaseModel):
    model_config = ConfigDict(extra="ignore")

    service_url: str = Field(min_length=1)
    conversation_id: str = Field(min_length=1)
    conversation_type: str | None = None
    tenant_id: str | None = None
    bot: Account | None = None
    user: Account | None = None
    channel_id: str = "msteams"
    activity_id: str | None = None

    def details(self) -> dict[str, Any]:
        """The JSON object kept under ADDRESS_DETAILS."""
        return {"teams_reference": self.model_dump(mode="json", exclude_none=True)}

    @classmethod
    def from_details(cls, details: Any) -> ConversationReference | None:
        """The reference in stored address details, or None if they hold none or a bad one."""
        raw = details.get("teams_reference") if isinstance(details, dict) else None
        if not isinstance(raw, dict):
            return None
        try:
            return cls.model_validate(raw)
        except ValidationError:
            return None

    def binding_metadata(self) -> dict[str, Any]:
        """Metadata for ``kit.attach_channel(room, "teams", metadata=...)`` that makes the room
        write to this whole conversation (a channel or group chat), restart or not."""
        return {"to": self.conversation_id, ADDRESS_DETAILS: {self.conversation_id: self.details()}}

    @classmethod
    def of_activity(cls, activity: dict[str, Any]) -> ConversationReference | None:
        conversation = activity.get("conversation")
        service_url = activity.get("serviceUrl")
        if not isinstance(conversation, dict) or not isinstance(service_url, str):
            return None
        conversation_id = conversation.get("id")
        if not isinstance(conversation_id, str) or not conversation_id or not service_url:
            return None
        tenant = conversation.get("tenantId") or _tenant_of(activity.get("channelData"))
        return cls(
            service_url=service_url,
            conversation_id=conversation_id,
            conversation_type=_str(conversation.get("conversationType")),
            tenant_id=_str(tenant),
            bot=_account(activity.get("recipient")),
            user=_account(activity.get("from")),
            channel_id=_str(activity.get("channelId")) or "msteams",
            activity_id=_str(activity.get("id")),
        )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _tenant_of(channel_data: Any) -> Any:
    if isinstance(channel_data, dict) and isinstance(channel_data.get("tenant"), dict):
        return channel_data["tenant"].get("id")
    return None


def _account(raw: Any) -> Account | None:
    if not isinstance(raw, dict) or not _str(raw.get("id")):
        return None
    return Account(
        id=raw["id"], name=_str(raw.get("name")), aad_object_id=_str(raw.get("aadObjectId"))
    )
