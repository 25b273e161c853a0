"""From the adapter package installed by the ``roomkit[sinch]`` extra."""

try:
    from roomkit_sinch import SinchSMSProvider, parse_sinch_webhook
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.sinch.sms", "sinch") from exc

__all__ = ["SinchSMSProvider", "parse_sinch_webhook"]
