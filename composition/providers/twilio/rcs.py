"""From the adapter package installed by ``pip install roomkit[twilio]``."""

try:
    from roomkit_twilio import TwilioRCSConfig, TwilioRCSProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.twilio.rcs", "twilio") from exc

__all__ = ["TwilioRCSConfig", "TwilioRCSProvider"]
