"""Clocks."""

from roomkit.plugins.builtin.clock import ManualClock, SystemClock
from roomkit.ports.clock import Clock

__all__ = ["Clock", "ManualClock", "SystemClock"]
