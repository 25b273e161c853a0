"""Inbound room routing."""

from roomkit.plugins.builtin.inbound_router import DefaultInboundRoomRouter
from roomkit.ports.routing import InboundRoomRouter

__all__ = ["DefaultInboundRoomRouter", "InboundRoomRouter"]
