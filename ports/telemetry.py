"""TelemetryProvider: spans and metrics around pipeline steps."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

Attributes = Mapping[str, str | int | float | bool]


class Span(ABC):
    @abstractmethod
    def set_attribute(self, key: str, value: str | int | float | bool) -> None: ...

    @abstractmethod
    def record_error(self, error: BaseException) -> None: ...


class TelemetryProvider(ABC):
    @abstractmethod
    def start_span(self, name: str, attributes: Attributes | None = None) -> Span:
        """Open a span; the caller ends it with ``end_span``."""

    @abstractmethod
    def end_span(self, span: Span) -> None: ...

    def record_metric(self, name: str, value: float, attributes: Attributes | None = None) -> None:
        """Record a measurement; ignored unless the provider overrides it."""

    @contextmanager
    def span(self, name: str, attributes: Attributes | None = None) -> Iterator[Span]:
        span = self.start_span(name, attributes)
        try:
            yield span
        except BaseException as exc:
            span.record_error(exc)
            raise
        finally:
            self.end_span(span)

    @property
    def enabled(self) -> bool:
        """False lets the pipeline skip building attributes entirely."""
        return True

    def shutdown(self) -> None:
        """Flush and release exporters."""
