"""OpenTelemetry adapter for RoomKit."""
