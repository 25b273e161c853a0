"""Built-in adapters: zero-dependency, in the core wheel, registered like any plugin."""

from types import ModuleType

from roomkit.plugins.builtin import (
    cli,
    clock,
    inbound_router,
    memory_locks,
    memory_realtime,
    memory_store,
    mock_ai,
    mock_identity,
    mock_messaging,
    mock_realtime,
    mock_speech,
    mock_voice_backend,
    mock_voice_stages,
    noop_telemetry,
    queue_source,
    signed_json_webhook,
    transport,
    websocket,
)

PLUGINS: tuple[ModuleType, ...] = (
    memory_store,
    memory_locks,
    memory_realtime,
    inbound_router,
    mock_ai,
    mock_identity,
    websocket,
    cli,
    transport,
    mock_messaging,
    signed_json_webhook,
    clock,
    noop_telemetry,
    queue_source,
    mock_voice_backend,
    mock_speech,
    mock_voice_stages,
    mock_realtime,
)
