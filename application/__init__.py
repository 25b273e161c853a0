"""Use cases: the inbound pipeline, broadcast, hooks, lifecycle, identity, realtime, AI turns.

Everything here talks to the outside world through ``roomkit.ports`` only.
"""
