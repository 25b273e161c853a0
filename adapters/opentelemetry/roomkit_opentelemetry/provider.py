"""A TelemetryProvider on the OpenTelemetry SDK: RoomKit spans become OTel spans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from roomkit.ports.telemetry import Attributes, Span, TelemetryProvider

if TYPE_CHECKING:
    from opentelemetry.metrics import Histogram, MeterProvider
    from opentelemetry.trace import TracerProvider

INSTRUMENTATION = "roomkit"


class OpenTelemetrySpan(Span):
    """An OTel span plus the context token that made it current."""

    def __init__(self, span: trace.Span, token: object) -> None:
        self.otel_span = span
        self.token = token

    def set_attribute(self, key: str, value: str | int | float | bool) -> None:
        self.otel_span.set_attribute(key, value)

    def record_error(self, error: BaseException) -> None:
        self.otel_span.record_exception(error)
        self.otel_span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))


class OpenTelemetryProvider(TelemetryProvider):
    """Spans nest: a span started while another is current becomes its child (per task, since
    OTel's context lives in context variables)."""

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ) -> None:
        self._tracer_provider = tracer_provider
        provider = tracer_provider or trace.get_tracer_provider()
        self._tracer = provider.get_tracer(INSTRUMENTATION)
        self._meter = meter_provider.get_meter(INSTRUMENTATION) if meter_provider else None
        self._histograms: dict[str, Histogram] = {}

    def start_span(self, name: str, attributes: Attributes | None = None) -> Span:
        span = self._tracer.start_span(name, attributes=dict(attributes or {}))
        token = otel_context.attach(trace.set_span_in_context(span))
        return OpenTelemetrySpan(span, token)

    def end_span(self, span: Span) -> None:
        assert isinstance(span, OpenTelemetrySpan)
        span.otel_span.end()
        otel_context.detach(span.token)  # type: ignore[arg-type]

    def record_metric(self, name: str, value: float, attributes: Attributes | None = None) -> None:
        if self._meter is None:
            return
        histogram = self._histograms.get(name)
        if histogram is None:
            histogram = self._histograms[name] = self._meter.create_histogram(name)
        histogram.record(value, attributes=dict(attributes or {}))

    def shutdown(self) -> None:
        shutdown: Any = getattr(self._tracer_provider, "shutdown", None)
        if callable(shutdown):
            shutdown()
