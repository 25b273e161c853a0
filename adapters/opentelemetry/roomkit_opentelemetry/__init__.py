"""OpenTelemetry adapter for RoomKit: ``RoomKit(telemetry=OpenTelemetryProvider(...))``.

The SDK is imported on first use, so plugin discovery does not pay for it.
"""

from typing import Any

__all__ = ["OpenTelemetryProvider", "OpenTelemetrySettings"]


def __getattr__(name: str) -> Any:
    if name == "OpenTelemetryProvider":
        from roomkit_opentelemetry.provider import OpenTelemetryProvider

        return OpenTelemetryProvider
    if name == "OpenTelemetrySettings":
        from roomkit_opentelemetry.plugin import OpenTelemetrySettings

        return OpenTelemetrySettings
    raise AttributeError(f"module 'roomkit_opentelemetry' has no attribute {name!r}")
