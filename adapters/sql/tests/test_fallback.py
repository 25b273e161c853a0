"""Cross-channel fallback on durable stores: a pending fallback survives a restart and fires
once in the next process; two kits racing on one PostgreSQL send the SMS once; a process that
dies right after firing leaves the SMS in the outbox, and recovery sends it."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roomkit_sql import PostgresStore, SQLiteStore, schema

from roomkit import (
    DeliveryStatus,
    FallbackPolicy,
    FallbackState,
    Room,
    RoomKit,
    SMSChannel,
    TextContent,
    WebSocketChannel,
    WhatsAppChannel,
)
from roomkit.domain.delivery import ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.plugins.builtin.clock import ManualClock
from roomkit.plugins.builtin.mock_messaging import MockMessageProvider
from roomkit.ports.store import ConversationStore
from roomkit.providers.twilio.config import TwilioConfig
from roomkit.providers.twilio.sms import TwilioSMSProvider
from roomkit_fakes.twilio import TwilioFake

CUSTOMER = "+15145550199"
START = datetime.now(UTC).replace(microsecond=0)


def make_kit(
    store: ConversationStore, twilio: TwilioFake, at: datetime, wa: MockMessageProvider
) -> RoomKit:
    kit = RoomKit(store=store, clock=ManualClock(start=at))
    kit.register_channel(WebSocketChannel("agent"))
    kit.register_channel(WhatsAppChannel("wa", provider=wa))
    kit.register_channel(
        SMSChannel(
            "sms",
            provider=TwilioSMSProvider(
                TwilioConfig(
                    account_sid=twilio.account_sid,
                    auth_token=twilio.auth_token,
                    from_number="+15145550100",
                    base_url=twilio.base_url,
                )
            ),
        )
    )
    return kit


async def open_room(kit: RoomKit) -> str:
    await kit.create_room(room_id="support")
    await kit.attach_channel("support", "agent")
    await kit.attach_channel("support", "sms", metadata={"to": CUSTOMER})
    await kit.attach_channel(
        "support",
        "wa",
        metadata={"to": CUSTOMER},
        fallback=FallbackPolicy(channel_id="sms", after=60.0),
    )
    event = await kit.send_event("support", "agent", TextContent(body="Parcel ships today"))
    return event.id


async def test_sqlite_pending_fallback_fires_once_after_a_restart(
    tmp_path: Path, twilio_fake: TwilioFake
) -> None:
    path = str(tmp_path / "kit.db")
    first = make_kit(SQLiteStore(path), twilio_fake, START, MockMessageProvider())
    event_id = await open_room(first)
    binding = await first.get_binding("support", "wa")
    assert binding.fallback == FallbackPolicy(channel_id="sms", after=60.0)
    await first.close()
    assert twilio_fake.messages == []

    later = START + timedelta(seconds=61)
    for _ in range(2):  # two restarts: only the first one fires it
        kit = make_kit(SQLiteStore(path), twilio_fake, later, MockMessageProvider())
        reloaded = await kit.get_binding("support", "wa")
        assert reloaded.fallback == binding.fallback
        await kit.check_fallbacks()
        await kit.close()
    assert [(m.to, m.text) for m in twilio_fake.messages] == [(CUSTOMER, "Parcel ships today")]
    kit = make_kit(SQLiteStore(path), twilio_fake, later, MockMessageProvider())
    [record] = await kit.list_fallbacks("support", event_id)
    assert record.state is FallbackState.FIRED
    notes = [
        r
        for r in await kit.store.list_delivery_results("support", event_id)
        if r.metadata.get("fallback_from") == "wa"
    ]
    assert [(n.channel_id, n.state) for n in notes] == [("sms", "delivered")]
    await kit.close()


class Hangs(MockMessageProvider):
    """A WhatsApp provider whose send never returns: the process dies during it."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        self.sending.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_process_dying_mid_send_leaves_the_fallback_pending(
    tmp_path: Path, twilio_fake: TwilioFake
) -> None:
    path = str(tmp_path / "kit.db")
    hangs = Hangs()
    dying = make_kit(SQLiteStore(path), twilio_fake, START, hangs)
    sending = asyncio.create_task(open_room(dying))
    await asyncio.wait_for(hangs.sending.wait(), 30)
    sending.cancel()  # the process dies while WhatsApp is sending
    await asyncio.gather(sending, return_exceptions=True)
    await dying.store.close()

    kit = make_kit(SQLiteStore(path), twilio_fake, START + timedelta(seconds=60), Hangs())
    [record] = await kit.list_fallbacks("support")
    assert record.state is FallbackState.PENDING and record.channel_id == "wa"
    assert await kit.check_fallbacks() == 1
    assert [m.text for m in twilio_fake.messages] == ["Parcel ships today"]
    await kit.store.close()


async def test_postgres_two_kits_racing_send_the_fallback_once(
    pg_store: PostgresStore, pg_dsn: str, twilio_fake: TwilioFake
) -> None:
    wa = MockMessageProvider()
    first = make_kit(pg_store, twilio_fake, START, wa)
    event_ids = [await open_room(first)]
    for body in ("second", "third"):
        sent = await first.send_event("support", "agent", TextContent(body=body))
        event_ids.append(sent.id)
    other_store = PostgresStore(pg_dsn, schema=pg_store.schema)
    await other_store.init()
    later = START + timedelta(seconds=61)
    kits = [make_kit(s, twilio_fake, later, wa) for s in (pg_store, other_store) for _ in range(2)]
    fired = await asyncio.gather(*(k.check_fallbacks() for k in kits))
    assert sum(fired) == 3
    assert sorted(m.text for m in twilio_fake.messages) == sorted(
        ["Parcel ships today", "second", "third"]
    )
    # a failed status redelivered to both kits afterwards sends nothing more
    for kit in kits[:2]:
        await kit.process_delivery_status(
            DeliveryStatus(
                provider="wa", message_id=wa.sent[0].provider_message_id, status="failed"
            )
        )
    assert len(twilio_fake.messages) == 3
    await other_store.close()


async def test_postgres_status_race_fires_once(
    pg_store: PostgresStore, pg_dsn: str, twilio_fake: TwilioFake
) -> None:
    wa = MockMessageProvider()
    first = make_kit(pg_store, twilio_fake, START, wa)
    await open_room(first)
    other_store = PostgresStore(pg_dsn, schema=pg_store.schema)
    await other_store.init()
    second = make_kit(other_store, twilio_fake, START, wa)
    status = DeliveryStatus(
        provider="wa", message_id=wa.sent[0].provider_message_id, status="failed"
    )
    await asyncio.gather(*(k.process_delivery_status(status) for k in (first, second) * 3))
    assert [m.text for m in twilio_fake.messages] == ["Parcel ships today"]
    await other_store.close()


async def test_postgres_fired_fallback_is_sent_by_outbox_recovery_after_a_crash(
    pg_store: PostgresStore, twilio_fake: TwilioFake
) -> None:
    first = make_kit(pg_store, twilio_fake, START, MockMessageProvider())
    event_id = await open_room(first)
    # the process fires the fallback, then dies before sending the SMS
    won = await pg_store.settle_fallback(event_id, "wa", FallbackState.FIRED, "no status")
    assert won is not None and twilio_fake.messages == []
    recovering = make_kit(pg_store, twilio_fake, datetime.now(UTC), MockMessageProvider())
    assert await recovering.recover_deliveries(older_than=0) == 1
    assert await recovering.check_fallbacks() == 0
    assert [m.text for m in twilio_fake.messages] == ["Parcel ships today"]


async def test_a_version_2_database_gets_the_fallbacks_table(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    store = SQLiteStore(str(path))
    await store.init()
    await store.create_room(Room(id="kept"))
    await store.close()
    with sqlite3.connect(path) as db:  # make it a version-2 database: no fallbacks yet
        db.execute("DROP TABLE fallbacks")
        db.execute("DELETE FROM roomkit_schema_version")
        db.execute("INSERT INTO roomkit_schema_version (version) VALUES (2)")
    upgraded = SQLiteStore(str(path))
    await upgraded.init()
    assert await upgraded.get_room("kept") is not None
    with sqlite3.connect(path) as db:
        versions = [v for (v,) in db.execute("SELECT version FROM roomkit_schema_version")]
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert max(versions) == schema.SCHEMA_VERSION and "fallbacks" in tables
    await upgraded.close()
