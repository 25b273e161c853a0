"""Cross-channel fallback, WhatsApp -> SMS: the SMS goes out through the real Twilio client to
the Twilio fake when the WhatsApp send fails, a status callback reports a failure, or no
delivered status arrives in time (ManualClock); a delivered status prevents it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio

from roomkit import (
    DeliveryStatus,
    FallbackPolicy,
    FallbackPolicyError,
    FallbackState,
    HookTrigger,
    RoomKit,
    SMSChannel,
    TextContent,
    WebSocketChannel,
    WhatsAppChannel,
)
from roomkit.domain.enums import DeliveryState
from roomkit.plugins.builtin.clock import ManualClock
from roomkit.plugins.builtin.mock_messaging import MockMessageProvider
from roomkit.providers.twilio.config import TwilioConfig
from roomkit.providers.twilio.sms import TwilioSMSProvider
from roomkit_fakes.twilio import TwilioFake

CUSTOMER, OUR_NUMBER = "+15145550199", "+15145550100"


class Setup:
    def __init__(
        self, kit: RoomKit, clock: ManualClock, wa: MockMessageProvider, twilio: TwilioFake
    ):
        self.kit, self.clock, self.wa, self.twilio = kit, clock, wa, twilio
        self.fallback_events: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []

    async def send(self, body: str = "Your parcel ships today") -> str:
        event = await self.kit.send_event("support", "agent", TextContent(body=body))
        return event.id

    async def status(self, message_id: str, word: str) -> DeliveryStatus:
        return await self.kit.process_delivery_status(
            DeliveryStatus(provider="whatsapp", message_id=message_id, status=word)
        )

    def sms(self) -> list[tuple[str, str]]:
        return [(m.to, m.text) for m in self.twilio.messages]


@pytest_asyncio.fixture
async def setup(twilio_fake: TwilioFake) -> AsyncIterator[Setup]:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    wa = MockMessageProvider()
    kit.register_channel(WebSocketChannel("agent"))
    kit.register_channel(WhatsAppChannel("wa", provider=wa))
    kit.register_channel(
        SMSChannel(
            "sms",
            provider=TwilioSMSProvider(
                TwilioConfig(
                    account_sid=twilio_fake.account_sid,
                    auth_token=twilio_fake.auth_token,
                    from_number=OUR_NUMBER,
                    base_url=twilio_fake.base_url,
                )
            ),
        )
    )
    await kit.create_room(room_id="support")
    await kit.attach_channel("support", "agent")
    await kit.attach_channel("support", "sms", metadata={"to": CUSTOMER})
    await kit.attach_channel(
        "support",
        "wa",
        metadata={"to": CUSTOMER},
        fallback=FallbackPolicy(channel_id="sms", after=60.0),
    )
    state = Setup(kit, clock, wa, twilio_fake)

    @kit.on("delivery_fallback")
    async def noted(event: Any) -> None:
        state.fallback_events.append(event.data)

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(error: Any, _ctx: Any) -> None:
        state.errors.append(error.content.data)

    yield state
    await kit.close()


async def test_sms_waits_while_whatsapp_is_pending(setup: Setup) -> None:
    event_id = await setup.send()
    assert [m.to for m in setup.wa.sent] == [CUSTOMER]
    assert setup.sms() == []  # the standby channel gets nothing by itself
    [record] = await setup.kit.list_fallbacks("support", event_id)
    assert (record.channel_id, record.fallback_channel_id) == ("wa", "sms")
    assert record.state is FallbackState.PENDING
    assert record.due_at == setup.clock.now() + timedelta(seconds=60)
    setup.clock.advance(59)
    assert await setup.kit.check_fallbacks() == 0
    assert setup.sms() == []


async def test_a_failed_send_falls_back_at_once(setup: Setup) -> None:
    setup.wa.fail_for.add(CUSTOMER)
    event_id = await setup.send("Your code is 1234")
    assert setup.sms() == [(CUSTOMER, "Your code is 1234")]
    [record] = await setup.kit.list_fallbacks("support", event_id)
    assert record.state is FallbackState.FIRED
    assert record.reason is not None and "delivery failed" in record.reason
    results = await setup.kit.store.list_delivery_results("support", event_id)
    wa_failed = [r for r in results if r.channel_id == "wa"]
    assert [r.state for r in wa_failed] == [DeliveryState.FAILED]
    [note] = [r for r in results if r.metadata.get("fallback_from")]
    assert (note.channel_id, note.state, note.metadata["fallback_from"]) == (
        "sms",
        DeliveryState.DELIVERED,
        "wa",
    )
    assert "delivery failed" in note.metadata["fallback_reason"]
    # the SMS send itself is recorded with its provider id, so Twilio's callbacks find it
    assert any(r.channel_id == "sms" and r.provider_message_id for r in results)
    assert [e["fallback_channel_id"] for e in setup.fallback_events] == ["sms"]
    assert setup.fallback_events[0]["state"] == "fired"
    assert [e["channel_id"] for e in setup.errors] == ["wa"]  # the WhatsApp failure, as before
    # nothing left to fire later
    setup.clock.advance(3600)
    assert await setup.kit.check_fallbacks() == 0
    assert len(setup.sms()) == 1


async def test_a_failed_status_falls_back_once_even_when_redelivered(setup: Setup) -> None:
    event_id = await setup.send()
    [sent] = setup.wa.sent
    await setup.status(sent.provider_message_id, "undelivered")
    assert setup.sms() == [(CUSTOMER, "Your parcel ships today")]
    await setup.status(sent.provider_message_id, "undelivered")  # the vendor retries its webhook
    await setup.status(sent.provider_message_id, "failed")
    setup.clock.advance(120)
    assert await setup.kit.check_fallbacks() == 0
    assert len(setup.sms()) == 1
    [record] = await setup.kit.list_fallbacks("support", event_id)
    assert record.state is FallbackState.FIRED and "whatsapp reported undelivered" in (
        record.reason or ""
    )
    assert len(setup.fallback_events) == 1


async def test_no_delivered_status_in_time_falls_back(setup: Setup) -> None:
    event_id = await setup.send()
    [sent] = setup.wa.sent
    await setup.status(sent.provider_message_id, "sent")  # not a delivery confirmation
    setup.clock.advance(60)
    assert await setup.kit.check_fallbacks() == 1
    assert setup.sms() == [(CUSTOMER, "Your parcel ships today")]
    [record] = await setup.kit.list_fallbacks("support", event_id)
    assert record.state is FallbackState.FIRED and "no delivered or read status" in (
        record.reason or ""
    )
    assert await setup.kit.check_fallbacks() == 0
    # a late failure report changes nothing
    await setup.status(sent.provider_message_id, "failed")
    assert len(setup.sms()) == 1


@pytest.mark.parametrize("word", ["delivered", "read"])
async def test_a_delivered_status_settles_it(setup: Setup, word: str) -> None:
    event_id = await setup.send()
    [sent] = setup.wa.sent
    await setup.status(sent.provider_message_id, word)
    setup.clock.advance(3600)
    assert await setup.kit.check_fallbacks() == 0
    await setup.status(sent.provider_message_id, "failed")  # after delivery: no fallback either
    assert setup.sms() == []
    [record] = await setup.kit.list_fallbacks("support", event_id)
    assert record.state is FallbackState.SETTLED
    assert record.reason == f"whatsapp reported {word}"


async def test_a_detached_fallback_channel_drops_it_with_a_record(setup: Setup) -> None:
    event_id = await setup.send()
    await setup.kit.detach_channel("support", "sms")
    setup.clock.advance(61)
    assert await setup.kit.check_fallbacks() == 0
    assert setup.sms() == []
    [record] = await setup.kit.list_fallbacks("support", event_id)
    assert record.state is FallbackState.DROPPED
    assert "'sms' is no longer attached" in (record.reason or "")
    [note] = [
        r
        for r in await setup.kit.store.list_delivery_results("support", event_id)
        if r.metadata.get("fallback_from") == "wa"
    ]
    assert note.state is DeliveryState.SKIPPED and "no longer attached" in (note.error or "")
    assert setup.errors and "no longer attached" in setup.errors[-1]["error"]
    assert setup.fallback_events[-1]["state"] == "dropped"


async def test_on_failed_false_waits_for_the_deadline(setup: Setup) -> None:
    await setup.kit.set_fallback(
        "support", "wa", FallbackPolicy(channel_id="sms", after=30.0, on_failed=False)
    )
    event_id = await setup.send()
    [sent] = setup.wa.sent
    await setup.status(sent.provider_message_id, "failed")
    assert setup.sms() == []
    setup.clock.advance(30)
    assert await setup.kit.check_fallbacks() == 1
    assert len(setup.sms()) == 1
    assert (await setup.kit.list_fallbacks("support", event_id))[0].state is FallbackState.FIRED


async def test_removing_the_policy_sends_on_both_again(setup: Setup) -> None:
    binding = await setup.kit.set_fallback("support", "wa", None)
    assert binding.fallback is None
    await setup.send("hello")
    assert len(setup.wa.sent) == 1 and setup.sms() == [(CUSTOMER, "hello")]


async def test_the_policy_round_trips_through_the_store(setup: Setup) -> None:
    binding = await setup.kit.get_binding("support", "wa")
    assert binding.fallback == FallbackPolicy(channel_id="sms", after=60.0, on_failed=True)


async def test_the_background_task_fires_due_fallbacks(setup: Setup) -> None:
    import asyncio

    setup.kit._fallbacks.interval = 0.01
    await setup.send()
    setup.clock.advance(61)
    setup.kit._fallbacks.start()
    for _ in range(500):
        if setup.sms():
            break
        await asyncio.sleep(0.01)
    assert len(setup.sms()) == 1


# validation -------------------------------------------------------------------------------------


async def test_bad_policies_are_refused_with_a_clear_error(setup: Setup) -> None:
    kit = setup.kit
    with pytest.raises(FallbackPolicyError, match="'email' of 'agent' is not attached"):
        await kit.set_fallback("support", "agent", FallbackPolicy(channel_id="email"))
    with pytest.raises(FallbackPolicyError, match="cannot fall back to itself"):
        await kit.set_fallback("support", "sms", FallbackPolicy(channel_id="sms"))
    with pytest.raises(FallbackPolicyError, match=r"cycle: sms -> wa -> sms"):
        await kit.set_fallback("support", "sms", FallbackPolicy(channel_id="wa"))
    with pytest.raises(ValueError, match="needs after"):
        FallbackPolicy(channel_id="sms", after=None, on_failed=False)
    # nothing was changed by the refused calls
    assert (await kit.get_binding("support", "sms")).fallback is None


async def test_chains_are_limited() -> None:
    kit = RoomKit()
    await kit.create_room(room_id="r")
    ids = ["a", "b", "c", "d", "e"]
    for channel_id in ids:
        kit.register_channel(WebSocketChannel(channel_id))
        await kit.attach_channel("r", channel_id)
    for first, then in itertools.pairwise(ids[1:]):  # b -> c -> d -> e
        await kit.set_fallback("r", first, FallbackPolicy(channel_id=then))
    with pytest.raises(FallbackPolicyError, match=r"a -> b -> c -> d -> e .* longer than 3"):
        await kit.set_fallback("r", "a", FallbackPolicy(channel_id="b"))
    await kit.close()


async def test_a_chain_falls_back_step_by_step(twilio_fake: TwilioFake) -> None:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    wa, rcs = MockMessageProvider(), MockMessageProvider()
    kit.register_channel(WhatsAppChannel("wa", provider=wa))
    kit.register_channel(WhatsAppChannel("wa2", provider=rcs))
    kit.register_channel(
        SMSChannel(
            "sms",
            provider=TwilioSMSProvider(
                TwilioConfig(
                    account_sid=twilio_fake.account_sid,
                    auth_token=twilio_fake.auth_token,
                    from_number=OUR_NUMBER,
                    base_url=twilio_fake.base_url,
                )
            ),
        )
    )
    kit.register_channel(WebSocketChannel("agent"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "agent")
    for channel_id in ("sms", "wa2", "wa"):
        await kit.attach_channel("r", channel_id, metadata={"to": CUSTOMER})
    await kit.set_fallback("r", "wa2", FallbackPolicy(channel_id="sms", after=10))
    await kit.set_fallback("r", "wa", FallbackPolicy(channel_id="wa2", after=10))
    wa.fail_for.add(CUSTOMER)
    await kit.send_event("r", "agent", TextContent(body="hi"))
    assert len(rcs.sent) == 1 and twilio_fake.messages == []
    clock.advance(10)
    assert await kit.check_fallbacks() == 1
    assert [m.text for m in twilio_fake.messages] == ["hi"]
    await kit.close()
