"""The terminal channel."""

from roomkit.plugins.builtin.cli import CLIChannel

__all__ = ["CLIChannel"]
