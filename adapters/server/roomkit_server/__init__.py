"""roomkit-server: RoomKit over HTTP and WebSocket (``roomkit serve``)."""

from .app import app_from_config, create_app
from .config import InsecureConfigError, ServerConfig, read_config
from .running import run, serving

__all__ = [
    "InsecureConfigError",
    "ServerConfig",
    "app_from_config",
    "create_app",
    "read_config",
    "run",
    "serving",
]
