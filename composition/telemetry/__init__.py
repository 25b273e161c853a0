"""Telemetry: the port and the no-op default (OpenTelemetry: roomkit[opentelemetry])."""

from roomkit.plugins.builtin.noop_telemetry import NoopTelemetry
from roomkit.ports.telemetry import Span, TelemetryProvider

__all__ = ["NoopTelemetry", "Span", "TelemetryProvider"]
