"""Channel classes."""

from roomkit.application.ai.agent import Agent
from roomkit.application.ai.channel import AIChannel
from roomkit.plugins.builtin.cli import CLIChannel
from roomkit.plugins.builtin.websocket import WebSocketChannel
from roomkit.ports.channel import Channel
from roomkit.transports import TransportChannel

__all__ = ["AIChannel", "Agent", "CLIChannel", "Channel", "TransportChannel", "WebSocketChannel"]
