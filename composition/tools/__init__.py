"""Tools for AI channels."""
