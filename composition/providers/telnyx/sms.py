"""From the adapter package installed by the ``roomkit[telnyx]`` extra."""

try:
    from roomkit_telnyx import TelnyxSMSProvider, parse_telnyx_webhook
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.telnyx.sms", "telnyx") from exc

__all__ = ["TelnyxSMSProvider", "parse_telnyx_webhook"]
