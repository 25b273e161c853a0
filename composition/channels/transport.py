"""Transport channels over a MessageProvider."""

from roomkit.plugins.builtin.transport import TransportChannel
from roomkit.ports.messaging import MessageProvider

__all__ = ["MessageProvider", "TransportChannel"]
