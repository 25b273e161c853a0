"""Realtime ephemeral events."""
