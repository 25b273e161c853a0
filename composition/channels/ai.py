"""The AI channel."""

from roomkit.application.ai.agent import Agent
from roomkit.application.ai.channel import AIChannel

__all__ = ["AIChannel", "Agent"]
