"""structlog for RoomKit's log lines, configured once, with room/event/channel ids bound.

The application layer logs through the standard library; a filter adds the ids it keeps in
context variables to every record, and structlog renders them. A failure is one line of
key-values; tracebacks appear only at debug level, plain (never with local variables, which
would carry message bodies into the logs and block the event loop while rendering).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from roomkit.application.log_context import current

if TYPE_CHECKING:
    import structlog

_configured = False


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in current().items():
            setattr(record, key, value)
        return True


def configure_logging(level: int | None = None, *, json: bool = False, force: bool = False) -> None:
    """Install the structlog formatter on the ``roomkit`` logger (once, unless ``force``)."""
    global _configured
    if _configured and not force:
        return
    _configured = True
    import structlog  # here, not at import time: structlog.dev pulls in rich when installed

    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso"),
            *([structlog.processors.format_exc_info] if json else []),
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    handler.addFilter(_ContextFilter())
    logger = logging.getLogger("roomkit")
    logger.handlers = [h for h in logger.handlers if not getattr(h, "_roomkit", False)]
    handler._roomkit = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.propagate = False
    if level is not None:
        logger.setLevel(level)
    elif logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
