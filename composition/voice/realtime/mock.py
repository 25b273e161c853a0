"""MockRealtimeProvider and MockRealtimeTransport for tests."""

from roomkit.plugins.builtin.mock_realtime import (
    MockRealtimeCall,
    MockRealtimeProvider,
    MockRealtimeTransport,
    MockToolCall,
)

__all__ = ["MockRealtimeCall", "MockRealtimeProvider", "MockRealtimeTransport", "MockToolCall"]
