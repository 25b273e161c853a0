"""Registers the OpenTelemetry TelemetryProvider under the name "opentelemetry"."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class OpenTelemetrySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_name: str = Field(default="roomkit", min_length=1)
    exporter: Literal["none", "console", "otlp"] = "none"
    endpoint: str | None = None


def build(settings: OpenTelemetrySettings) -> object:
    """A provider with its own TracerProvider exporting as ``settings.exporter`` says."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    from roomkit_opentelemetry.provider import OpenTelemetryProvider

    tracer_provider = TracerProvider(
        resource=Resource.create({"service.name": settings.service_name})
    )
    if settings.exporter == "console":
        tracer_provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    elif settings.exporter == "otlp":
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter,
            )
        except ImportError as exc:
            raise ImportError(
                "exporter='otlp' needs the OTLP exporter: pip install opentelemetry-exporter-otlp"
            ) from exc
        exporter = (
            OTLPSpanExporter(endpoint=settings.endpoint)
            if settings.endpoint
            else OTLPSpanExporter()
        )
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    return OpenTelemetryProvider(tracer_provider=tracer_provider)


@hookimpl
def roomkit_register_telemetry_providers(register: Register) -> None:
    register(
        name="opentelemetry",
        factory=build,
        settings=OpenTelemetrySettings,
        description="OpenTelemetry spans per pipeline step",
    )
