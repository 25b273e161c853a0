"""Reading Teams activities: messages (the bot's own @mention stripped from the text and
flagged), reactions (a REACTION event), the bot added to a conversation (a SYSTEM event that
carries the conversation reference). Each message keeps the conversation reference of where it
came from under ``ADDRESS_DETAILS``, so replies and later proactive messages can find it."""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from roomkit.domain.content import (
    CompositeContent,
    EventContent,
    MediaContent,
    SystemContent,
    TextContent,
)
from roomkit.domain.errors import WebhookPayloadError
from roomkit.domain.inbound import ADDRESS_DETAILS, InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit_teams.reference import ConversationReference

VENDOR = "teams"
FILE_DOWNLOAD = "application/vnd.microsoft.teams.file.download.info"

#: Teams' reaction types and the emoji they show.
REACTIONS = {
    "like": "\N{THUMBS UP SIGN}",
    "heart": "\N{HEAVY BLACK HEART}\N{VARIATION SELECTOR-16}",
    "laugh": "\N{SMILING FACE WITH OPEN MOUTH AND TIGHTLY-CLOSED EYES}",
    "surprised": "\N{FACE WITH OPEN MOUTH}",
    "sad": "\N{CRYING FACE}",
    "angry": "\N{ANGRY FACE}",
}


class TeamsActivity(BaseModel):
    """One activity as read: its kind, the text without the bot's mention, who was mentioned,
    where it came from, and the InboundMessage RoomKit makes of it (None for activities that
    carry nothing to store, such as typing)."""

    model_config = ConfigDict(frozen=True)

    type: str
    id: str | None = None
    text: str = ""
    bot_mentioned: bool = False
    mentions: list[dict[str, str]] = Field(default_factory=list)
    reference: ConversationReference | None = None
    message: InboundMessage | None = None
    raw: dict[str, Any] = Field(default_factory=dict)


def load_activity(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise WebhookPayloadError(VENDOR, "the activity must be a JSON object")
    return data


def read_activity(data: Mapping[str, Any], channel_id: str) -> TeamsActivity:
    kind = data.get("type")
    if not isinstance(kind, str) or not kind:
        raise WebhookPayloadError(VENDOR, "field 'type' is missing")
    activity = dict(data)
    if kind == "message":
        return _message(activity, channel_id)
    if kind == "messageReaction":
        return _reaction(activity, channel_id)
    if kind == "conversationUpdate" and is_bot_added(activity):
        return _bot_added(activity, channel_id)
    return TeamsActivity(
        type=kind, id=_str(activity.get("id")), reference=_reference(activity), raw=activity
    )


def parse_activity(request: WebhookRequest, channel_id: str) -> WebhookBatch:
    read = read_activity(load_activity(request.body), channel_id)
    return WebhookBatch(messages=[read.message] if read.message is not None else [])


def is_bot_added(activity: TeamsActivity | Mapping[str, Any]) -> bool:
    """True for the conversationUpdate Teams sends when the bot joins a conversation: one of
    ``membersAdded`` is the activity's recipient (the bot)."""
    raw = activity.raw if isinstance(activity, TeamsActivity) else activity
    if raw.get("type") != "conversationUpdate":
        return False
    bot = raw.get("recipient")
    bot_id = bot.get("id") if isinstance(bot, dict) else None
    added = raw.get("membersAdded")
    if not bot_id or not isinstance(added, list):
        return False
    return any(isinstance(m, dict) and m.get("id") == bot_id for m in added)


def parse_teams_webhook(request_data: Any, channel_id: str = "teams") -> TeamsActivity:
    """Read an activity from its JSON (a dict or bytes) or the request meta. No token check:
    requests from the network go through ``kit.process_webhook``."""
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        request_data = WebhookRequest.from_meta(request_data).body
    if isinstance(request_data, bytes | str):
        raw = request_data.encode() if isinstance(request_data, str) else request_data
        request_data = load_activity(raw)
    if not isinstance(request_data, Mapping):
        raise WebhookPayloadError(VENDOR, "pass the activity as a dict, JSON or request meta")
    return read_activity(request_data, channel_id)


# messages -----------------------------------------------------------------------------------
def _message(activity: dict[str, Any], channel_id: str) -> TeamsActivity:
    sender, reference, activity_id = _required(activity)
    text = activity.get("text") if isinstance(activity.get("text"), str) else ""
    bot_id = reference.bot.id if reference.bot else None
    text, bot_mentioned, mentions = _mentions(str(text), activity.get("entities"), bot_id)
    parts: list[EventContent] = [TextContent(body=text)] if text else []
    parts.extend(_attachments(activity.get("attachments")))
    value = activity.get("value")
    if not parts and value is not None:  # an adaptive card's submit
        parts.append(TextContent(body=json.dumps(value, sort_keys=True)))
    if not parts:
        raise WebhookPayloadError(VENDOR, "the message has neither text nor attachments")
    teams = _teams_metadata(activity, reference)
    if value is not None:
        teams["value"] = value
    message = InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=parts[0] if len(parts) == 1 else CompositeContent(parts=parts),
        provider_message_id=activity_id,
        thread_id=reference.conversation_id,
        metadata={
            "provider": VENDOR,
            "bot_mentioned": bot_mentioned,
            "mentions": mentions,
            "teams": teams,
            ADDRESS_DETAILS: reference.details(),
        },
    )
    return TeamsActivity(
        type="message",
        id=activity_id,
        text=text,
        bot_mentioned=bot_mentioned,
        mentions=mentions,
        reference=reference,
        message=message,
        raw=activity,
    )


def _mentions(
    text: str, entities: Any, bot_id: str | None
) -> tuple[str, bool, list[dict[str, str]]]:
    """The text without the bot's own ``<at>`` mention, whether it was there, the others."""
    bot_mentioned = False
    others: list[dict[str, str]] = []
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        mentioned = entity.get("mentioned")
        if not isinstance(mentioned, dict) or not _str(mentioned.get("id")):
            continue
        name = _str(mentioned.get("name")) or ""
        tag = _str(entity.get("text")) or f"<at>{name}</at>"
        if mentioned["id"] == bot_id:
            bot_mentioned = True
            text = text.replace(tag, "", 1)
        else:
            others.append({"id": mentioned["id"], "name": name, "text": tag})
    if bot_mentioned:  # the gap the tag leaves, not the message's own line breaks
        text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip(), bot_mentioned, others


def _attachments(raw: Any) -> list[EventContent]:
    found: list[EventContent] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        kind = _str(item.get("contentType")) or ""
        name = _str(item.get("name"))
        if kind == FILE_DOWNLOAD and isinstance(item.get("content"), dict):
            url = _str(item["content"].get("downloadUrl"))
            if url:
                guessed = mimetypes.guess_type(name or "")[0] or "application/octet-stream"
                found.append(MediaContent(url=url, mime_type=guessed, filename=name))
        elif kind and kind != "text/html" and _str(item.get("contentUrl")):
            found.append(MediaContent(url=item["contentUrl"], mime_type=kind, filename=name))
    return found


# reactions and installation -------------------------------------------------------------------
def _reaction(activity: dict[str, Any], channel_id: str) -> TeamsActivity:
    sender, reference, activity_id = _required(activity, need_id=False)
    target = _str(activity.get("replyToId"))
    if target is None:
        raise WebhookPayloadError(VENDOR, "field 'replyToId' is missing (the reacted message)")
    added = _reaction_types(activity.get("reactionsAdded"))
    removed = _reaction_types(activity.get("reactionsRemoved"))
    if not added and not removed:
        raise WebhookPayloadError(VENDOR, "a messageReaction needs reactionsAdded or Removed")
    emoji = " ".join(REACTIONS.get(t, t) for t in added or removed)
    vendor_id = activity_id or f"reaction:{target}:{sender}:{'+'.join(added)}-{'+'.join(removed)}"
    message = InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=SystemContent(
            body=emoji,
            code="reaction",
            data={
                "action": "added" if added else "removed",
                "added": added,
                "removed": removed,
                "emoji": emoji,
                "target_provider_message_id": target,
            },
        ),
        provider_message_id=vendor_id,
        thread_id=reference.conversation_id,
        metadata={
            "provider": VENDOR,
            "teams": _teams_metadata(activity, reference),
            ADDRESS_DETAILS: reference.details(),
        },
    )
    return TeamsActivity(
        type="messageReaction", id=vendor_id, reference=reference, message=message, raw=activity
    )


def _bot_added(activity: dict[str, Any], channel_id: str) -> TeamsActivity:
    sender, reference, activity_id = _required(activity)
    bot = reference.bot.name if reference.bot and reference.bot.name else "the bot"
    message = InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=SystemContent(
            body=f"{bot} was added to the conversation",
            code="bot_added",
            data={"conversation_id": reference.conversation_id},
        ),
        provider_message_id=activity_id,
        thread_id=reference.conversation_id,
        metadata={
            "provider": VENDOR,
            "teams": _teams_metadata(activity, reference),
            ADDRESS_DETAILS: reference.details(),
        },
    )
    return TeamsActivity(
        type="conversationUpdate",
        id=activity_id,
        reference=reference,
        message=message,
        raw=activity,
    )


# shared -------------------------------------------------------------------------------------
def _required(
    activity: dict[str, Any], need_id: bool = True
) -> tuple[str, ConversationReference, str]:
    sender = activity.get("from")
    sender_id = sender.get("id") if isinstance(sender, dict) else None
    if not isinstance(sender_id, str) or not sender_id:
        raise WebhookPayloadError(VENDOR, "field 'from.id' is missing (the sender)")
    if not _str(activity.get("serviceUrl")):
        raise WebhookPayloadError(VENDOR, "field 'serviceUrl' is missing")
    reference = _reference(activity)
    if reference is None:
        raise WebhookPayloadError(VENDOR, "field 'conversation.id' is missing")
    activity_id = _str(activity.get("id"))
    if need_id and activity_id is None:
        raise WebhookPayloadError(VENDOR, "field 'id' is missing (the activity id)")
    return sender_id, reference, activity_id or ""


def _reference(activity: dict[str, Any]) -> ConversationReference | None:
    return ConversationReference.of_activity(activity)


def _teams_metadata(activity: dict[str, Any], reference: ConversationReference) -> dict[str, Any]:
    user = reference.user
    return {
        "activity_type": activity.get("type"),
        "conversation_id": reference.conversation_id,
        "conversation_type": reference.conversation_type,
        "tenant_id": reference.tenant_id,
        "reply_to_id": _str(activity.get("replyToId")),
        "sender_name": user.name if user else None,
        "aad_object_id": user.aad_object_id if user else None,
    }


def _reaction_types(raw: Any) -> list[str]:
    return (
        [str(r["type"]) for r in raw or [] if isinstance(r, dict) and _str(r.get("type"))]
        if isinstance(raw, list)
        else []
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
