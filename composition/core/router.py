"""The EventRouter's transcoding port and its default."""

from roomkit.application.delivery.router import EventRouter
from roomkit.application.delivery.transcoder import DefaultContentTranscoder
from roomkit.ports.transcoder import ContentTranscoder

__all__ = ["ContentTranscoder", "DefaultContentTranscoder", "EventRouter"]
