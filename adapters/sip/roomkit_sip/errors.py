"""Why an outgoing call did not connect, or a registration did not take."""

from __future__ import annotations


class SIPCallError(Exception):
    """The far end refused the call (``status`` is its final response code) or never answered."""

    def __init__(self, message: str, *, status: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class SIPAuthError(SIPCallError):
    """The far end asked for credentials and refused the ones configured (or none are)."""


class SIPCallTimeout(SIPCallError, TimeoutError):
    """No final response in time: nobody answered, or nothing is listening at the address."""


class SIPRegistrationError(Exception):
    """The registrar refused our binding (``status`` is its final response code) or never
    answered; ``registrar`` is the URI it was sent to."""

    def __init__(
        self, message: str, *, registrar: str, status: int | None = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.registrar = registrar
        self.status = status
        self.reason = reason


class SIPRegistrationTimeout(SIPRegistrationError, TimeoutError):
    """No final response to REGISTER within the transaction timeout."""


__all__ = [
    "SIPAuthError",
    "SIPCallError",
    "SIPCallTimeout",
    "SIPRegistrationError",
    "SIPRegistrationTimeout",
]
