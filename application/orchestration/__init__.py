"""Multi-agent orchestration: strategies, conversation state, handoffs."""
