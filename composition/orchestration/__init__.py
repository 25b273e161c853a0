"""Multi-agent orchestration: Pipeline and Swarm strategies, delegation, the status bus
(Supervisor and Loop are not built yet)."""

from roomkit.application.orchestration.delegation import DelegationResult
from roomkit.application.orchestration.status import StatusBus, StatusUpdate
from roomkit.application.orchestration.strategies import Orchestration, Pipeline, Swarm

__all__ = ["DelegationResult", "Orchestration", "Pipeline", "StatusBus", "StatusUpdate", "Swarm"]
