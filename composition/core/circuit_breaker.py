"""Circuit breaker."""

from roomkit.application.policies.circuit_breaker import CircuitBreaker
from roomkit.domain.enums import CircuitState

__all__ = ["CircuitBreaker", "CircuitState"]
