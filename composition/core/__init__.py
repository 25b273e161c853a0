"""Core building blocks: routing, locks, resilience policies."""
