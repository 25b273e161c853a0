"""From the adapter package installed by the ``roomkit[sinch]`` extra."""

try:
    from roomkit_sinch import SinchConfig
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.sinch.config", "sinch") from exc

__all__ = ["SinchConfig"]
