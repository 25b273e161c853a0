"""How failures are logged: one line of key-values, no locals, no message bodies.

A traceback with local variables costs a blocked event loop and carries personal data into the
logs; the line names the exception type, a short message and the ids bound in context. The
traceback is logged at debug level for whoever turns it on.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

MAX_ERROR_TEXT = 300


def describe_error(exc: BaseException) -> str:
    """``Type: message``, short; a validation error lists fields and reasons, not the input."""
    if isinstance(exc, ValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)[:5]
        )
        text = f"ValidationError: {exc.error_count()} error(s): {problems}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= MAX_ERROR_TEXT else text[: MAX_ERROR_TEXT - 3] + "..."


def log_failure(
    logger: logging.Logger,
    message: str,
    exc: BaseException,
    *,
    level: int = logging.WARNING,
    **fields: Any,
) -> None:
    """One line at ``level`` with the error described; the traceback only at debug level."""
    if logger.isEnabledFor(level):
        logger.log(
            level,
            message,
            extra={"error_type": type(exc).__name__, "error": describe_error(exc), **fields},
        )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s: traceback", message, exc_info=exc)
