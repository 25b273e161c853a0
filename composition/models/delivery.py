"""Delivery outcomes and provider reports."""

from roomkit.domain.delivery import ChannelOutput, DeliveryResult, DeliveryStatus, ProviderResult
from roomkit.domain.inbound import InboundMessage, InboundResult

__all__ = [
    "ChannelOutput",
    "DeliveryResult",
    "DeliveryStatus",
    "InboundMessage",
    "InboundResult",
    "ProviderResult",
]
