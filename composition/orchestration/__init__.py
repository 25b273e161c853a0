"""Multi-agent orchestration (Pipeline and Swarm; Supervisor and Loop are not built yet)."""

from roomkit.application.orchestration.strategies import Orchestration, Pipeline, Swarm

__all__ = ["Orchestration", "Pipeline", "Swarm"]
