"""The Channel base class and what the framework gives channels."""

from roomkit.ports.channel import Channel, ChannelRuntime, StreamingTransport, StreamWriter

__all__ = ["Channel", "ChannelRuntime", "StreamWriter", "StreamingTransport"]
