"""The tables: one schema for PostgreSQL and SQLite. Models are stored as JSON documents beside
the columns the queries need (ids, per-room index, provider message id, addresses)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

SCHEMA_VERSION = 5
# 2: the delivery outbox; 3: cross-channel fallbacks; 4: rooms.version; 5: the outbox as one row
# per event (event_outbox, see outbox_rows), converted from version 2's row per target (outbox)

metadata = MetaData()

schema_version = Table(
    "roomkit_schema_version", metadata, Column("version", Integer, primary_key=True)
)

rooms = Table(
    "rooms",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("event_count", BigInteger, nullable=False, default=0),
    Column("data", Text, nullable=False),
    # bumped by every change a room's snapshot shows other than an append (status, bindings,
    # participants, event updates): with event_count, the token an append can be made
    # conditional on
    Column("version", BigInteger, nullable=False, default=0, server_default="0"),
)

events = Table(
    "events",
    metadata,
    Column("room_id", String(200), primary_key=True),
    Column("idx", BigInteger, primary_key=True),
    Column("id", String(200), nullable=False, unique=True),
    Column("provider_message_id", String(300)),
    Column("data", Text, nullable=False),
    UniqueConstraint("room_id", "provider_message_id", name="uq_events_provider_message"),
)

participants = Table(
    "participants",
    metadata,
    Column("room_id", String(200), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("channel_id", String(200)),
    Column("external_id", String(300)),
    Column("data", Text, nullable=False),
    Index("ix_participants_address", "room_id", "channel_id", "external_id"),
)

bindings = Table(
    "bindings",
    metadata,
    Column("room_id", String(200), primary_key=True),
    Column("channel_id", String(200), primary_key=True),
    Column("data", Text, nullable=False),
    Index("ix_bindings_channel", "channel_id"),
)

identities = Table(
    "identities",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("data", Text, nullable=False),
    Column("addresses", JSON, nullable=False),
)

identity_addresses = Table(
    "identity_addresses",
    metadata,
    Column("channel_type", String(50), primary_key=True),
    Column("address", String(300), primary_key=True),
    Column("identity_id", String(200), nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("room_id", String(200), nullable=False, index=True),
    Column("data", Text, nullable=False),
)

observations = Table(
    "observations",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("room_id", String(200), nullable=False, index=True),
    Column("data", Text, nullable=False),
)

delivery_status = Table(
    "delivery_status",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # "result" (ours) or "report" (provider's)
    Column("room_id", String(200)),
    Column("event_id", String(200)),
    Column("message_id", String(300)),
    Column("data", Text, nullable=False),
    Index("ix_delivery_room_event", "room_id", "event_id"),
    Index("ix_delivery_message", "message_id"),
)

read_tracking = Table(
    "read_tracking",
    metadata,
    Column("room_id", String(200), primary_key=True),
    Column("channel_id", String(200), primary_key=True),
    Column("last_read_index", BigInteger, nullable=False),
)

telemetry_spans = Table(
    "telemetry_spans",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("data", Text, nullable=False),
)

event_outbox = Table(
    "event_outbox",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("room_id", String(200), nullable=False, index=True),
    Column("pending", Boolean, nullable=False),  # an entry is pending: recovery looks here
    Column("dead", Boolean, nullable=False),  # an entry is a dead letter
    Column("deliveries", Text, nullable=False),  # the entries' document (outbox_rows)
    Column("revision", Integer, nullable=False, default=0),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Index(
        "ix_event_outbox_pending",
        "created_at",
        "event_id",
        postgresql_where=text("pending"),
        sqlite_where=text("pending"),
    ),
    Index(
        "ix_event_outbox_dead",
        "created_at",
        "event_id",
        postgresql_where=text("dead"),
        sqlite_where=text("dead"),
    ),
)

# version 2-4's outbox, a row per (event, target): read once, by the migration to version 5
legacy_outbox = Table(
    "outbox",
    MetaData(),
    Column("event_id", String(200), primary_key=True),
    Column("channel_id", String(200), primary_key=True),
    Column("room_id", String(200), nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

fallbacks = Table(
    "fallbacks",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("channel_id", String(200), primary_key=True),
    Column("room_id", String(200), nullable=False, index=True),
    Column("fallback_channel_id", String(200), nullable=False),
    Column("on_failed", Boolean, nullable=False),
    Column("state", String(20), nullable=False),
    Column("due_at", Float),  # seconds since the epoch; None: only a failure fires it
    Column("reason", Text),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Index("ix_fallbacks_due", "state", "due_at"),
)
