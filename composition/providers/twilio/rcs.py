"""From the adapter package behind the ``roomkit[twilio]`` extra (docs/getting-started.md)."""

try:
    from roomkit_twilio import TwilioRCSConfig, TwilioRCSProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.twilio.rcs", "twilio") from exc

__all__ = ["TwilioRCSConfig", "TwilioRCSProvider"]
