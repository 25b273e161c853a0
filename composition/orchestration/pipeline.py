"""Explicit conversation stages."""

from roomkit.application.orchestration.pipeline import ConversationPipeline, PipelineStage

__all__ = ["ConversationPipeline", "PipelineStage"]
