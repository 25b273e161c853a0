"""Registers the OpenTelemetry TelemetryProvider."""
