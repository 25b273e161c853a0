"""The OpenTelemetry adapter, tested with the SDK's in-memory exporters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from roomkit import InboundMessage, RoomEvent, RoomKit, TextContent, WebSocketChannel
from roomkit.domain.errors import AdapterConfigError
from roomkit.plugins.registry import Registry, make_plugin_manager
from roomkit_opentelemetry import OpenTelemetryProvider

STEPS = [
    "route",
    "parse",
    "identify",
    "identity_hooks",
    "lock",
    "idempotency",
    "before_broadcast",
    "store",
    "broadcast",
    "after_broadcast",
]


@pytest.fixture
def traced() -> tuple[OpenTelemetryProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    return OpenTelemetryProvider(tracer_provider=tracer_provider), exporter


def test_spans_nest_and_carry_attributes(traced) -> None:  # type: ignore[no-untyped-def]
    provider, exporter = traced
    with provider.span("outer", {"roomkit.room_id": "r1"}) as outer:
        outer.set_attribute("extra", 3)
        with provider.span("inner"):
            pass
    inner, outer_span = exporter.get_finished_spans()
    assert (inner.name, outer_span.name) == ("inner", "outer")
    assert inner.parent is not None and inner.parent.span_id == outer_span.context.span_id
    assert dict(outer_span.attributes or {}) == {"roomkit.room_id": "r1", "extra": 3}


def test_errors_are_recorded_with_status(traced) -> None:  # type: ignore[no-untyped-def]
    provider, exporter = traced
    with pytest.raises(ValueError), provider.span("failing"):
        raise ValueError("bad input")
    [span] = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert "bad input" in (span.status.description or "")
    assert [e.name for e in span.events] == ["exception"]


def test_metrics_go_to_a_histogram() -> None:
    reader = InMemoryMetricReader()
    provider = OpenTelemetryProvider(
        tracer_provider=TracerProvider(), meter_provider=MeterProvider(metric_readers=[reader])
    )
    provider.record_metric("roomkit.delivery_ms", 12.5, {"channel": "ws"})
    provider.record_metric("roomkit.delivery_ms", 7.5, {"channel": "ws"})
    data = reader.get_metrics_data()
    assert data is not None
    [metric] = [
        m
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
        if m.name == "roomkit.delivery_ms"
    ]
    [point] = metric.data.data_points
    assert point.count == 2 and point.sum == 20.0


async def test_one_span_per_pipeline_step_with_room_and_event_ids(traced) -> None:  # type: ignore[no-untyped-def]
    provider, exporter = traced
    kit = RoomKit(telemetry=provider)
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)

    async def recv(_conn: str, _event: RoomEvent) -> None:
        return None

    ws.register_connection("c1", recv)
    await kit.create_room(room_id="r1")
    await kit.attach_channel("r1", "ws")
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="hi"))
    )
    assert result.event is not None
    spans = sorted(exporter.get_finished_spans(), key=lambda s: s.start_time or 0)
    root = next(s for s in spans if s.name == "roomkit.inbound")
    steps = [s for s in spans if s.name.startswith("roomkit.inbound.")]
    assert [s.name for s in steps] == [f"roomkit.inbound.{name}" for name in STEPS]
    for span in steps:
        assert span.parent is not None and span.parent.span_id == root.context.span_id
        attributes = dict(span.attributes or {})
        assert attributes["roomkit.room_id"] == "r1"
        if span.name != "roomkit.inbound.route":
            assert attributes["roomkit.event_id"] == result.event.id
    assert dict(root.attributes or {})["roomkit.event_id"] == result.event.id


def test_discovered_through_its_entry_point_only() -> None:
    registry = Registry(make_plugin_manager())
    spec = registry.get("telemetry", "opentelemetry")
    assert spec.distribution.startswith("roomkit-opentelemetry")
    provider = registry.create("telemetry", "opentelemetry", {"service_name": "support"})
    assert isinstance(provider, OpenTelemetryProvider)
    assert "opentelemetry" not in Registry(make_plugin_manager(autoload=False)).names("telemetry")


def test_invalid_settings_name_the_field() -> None:
    registry = Registry(make_plugin_manager())
    with pytest.raises(AdapterConfigError, match="exporter: Input should be 'none', 'console'"):
        registry.create("telemetry", "opentelemetry", {"exporter": "zipkin"})


async def test_configured_by_name_in_roomkit() -> None:
    kit = RoomKit(telemetry={"name": "opentelemetry", "settings": {"service_name": "svc"}})
    assert isinstance(kit.runtime.telemetry, OpenTelemetryProvider)
    await kit.close()


def test_roomkit_plugins_lists_the_distribution() -> None:
    script = Path(sys.executable).parent / "roomkit"
    out = subprocess.run([str(script), "plugins"], capture_output=True, text=True, check=True)
    line = next(ln for ln in out.stdout.splitlines() if "opentelemetry" in ln)
    assert "roomkit-opentelemetry" in line
