"""An identified sender is one participant, under the identity's id, on every channel."""

from __future__ import annotations

from roomkit import (
    EmailChannel,
    HookTrigger,
    Identity,
    IdentityHookResult,
    InboundMessage,
    RoomKit,
    SMSChannel,
    TextContent,
    WebSocketChannel,
)
from roomkit.identity.mock import MockIdentityResolver
from roomkit.providers.sms.mock import MockSMSProvider

ALICE = Identity(id="cust-42", display_name="Alice")
PHONE, EMAIL = "+15145550142", "alice@example.org"


async def kit_with(resolver: object = None) -> tuple[RoomKit, MockSMSProvider, MockSMSProvider]:
    kit = RoomKit(identity_resolver=resolver)
    sms, email = MockSMSProvider(), MockSMSProvider()
    kit.register_channel(SMSChannel("sms", provider=sms))
    kit.register_channel(EmailChannel("email", provider=email))
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    for channel in ("sms", "email", "ws"):
        await kit.attach_channel("r", channel)
    return kit, sms, email


def text(channel: str, sender: str, body: str) -> InboundMessage:
    return InboundMessage(channel_id=channel, sender_id=sender, content=TextContent(body=body))


async def test_sms_and_email_from_one_person_are_one_participant() -> None:
    resolver = MockIdentityResolver({PHONE: ALICE, EMAIL: ALICE})
    kit, sms, email = await kit_with(resolver)
    by_sms = await kit.process_inbound(text("sms", PHONE, "hi by sms"), room_id="r")
    by_email = await kit.process_inbound(text("email", EMAIL, "hi by email"), room_id="r")
    assert by_sms.event is not None and by_email.event is not None
    assert by_sms.event.source.participant_id == by_email.event.source.participant_id == "cust-42"
    [alice] = await kit.store.list_participants("r")
    assert (alice.id, alice.identity_id, alice.display_name) == ("cust-42", "cust-42", "Alice")
    assert alice.metadata["addresses"] == {"sms": PHONE, "email": EMAIL}
    assert (alice.channel_id, alice.external_id) == ("email", EMAIL)

    # a reply goes where she last wrote: by email, not by SMS as well
    await kit.process_inbound(text("ws", "agent", "we are on it"), room_id="r")
    assert [m.to for m in email.sent] == [EMAIL]
    assert sms.sent == []


async def test_an_identity_hook_resolution_stamps_the_identity_id() -> None:
    kit, _, _ = await kit_with(MockIdentityResolver({}))

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def resolve(event, ctx):  # type: ignore[no-untyped-def]
        return IdentityHookResult.resolved(ALICE)

    result = await kit.process_inbound(text("sms", PHONE, "who am I"), room_id="r")
    assert result.event is not None and result.event.source.participant_id == "cust-42"
    assert await kit.store.get_participant("r", "cust-42") is not None


async def test_unidentified_senders_stay_separate() -> None:
    kit, _, _ = await kit_with()
    a = await kit.process_inbound(text("sms", PHONE, "x"), room_id="r")
    b = await kit.process_inbound(text("email", EMAIL, "y"), room_id="r")
    assert a.event is not None and b.event is not None
    assert a.event.source.participant_id != b.event.source.participant_id
    assert len(await kit.store.list_participants("r")) == 2
