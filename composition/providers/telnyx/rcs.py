"""From the adapter package installed by the ``roomkit[telnyx]`` extra."""

try:
    from roomkit_telnyx import TelnyxRCSConfig, TelnyxRCSProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.telnyx.rcs", "telnyx") from exc

__all__ = ["TelnyxRCSConfig", "TelnyxRCSProvider"]
