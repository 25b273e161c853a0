"""NoopTelemetry: the default TelemetryProvider, which records nothing."""

from __future__ import annotations

from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.telemetry import Attributes, Span, TelemetryProvider


class _NoopSpan(Span):
    def set_attribute(self, key: str, value: str | int | float | bool) -> None:
        pass

    def record_error(self, error: BaseException) -> None:
        pass


_SPAN = _NoopSpan()


class NoopTelemetry(TelemetryProvider):
    def __init__(self, settings: object = None) -> None:
        pass

    def start_span(self, name: str, attributes: Attributes | None = None) -> Span:
        return _SPAN

    def end_span(self, span: Span) -> None:
        pass

    @property
    def enabled(self) -> bool:
        return False


@hookimpl
def roomkit_register_telemetry_providers(register: Register) -> None:
    register(name="noop", factory=NoopTelemetry, description="Records nothing")
