"""Participants."""

from roomkit.domain.participant import Participant

__all__ = ["Participant"]
