"""The ports: what the application needs from the outside world, as ABCs.

Adapters implement these; roomkit-contracts holds a test suite per port.
"""
