"""The Agent channel."""

from roomkit.application.ai.agent import Agent

__all__ = ["Agent"]
