"""SMS provider helpers."""
