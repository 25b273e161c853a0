"""AI providers."""
