"""From the adapter package behind the ``roomkit[elasticemail]`` extra (docs/getting-started.md)."""

try:
    from roomkit_elasticemail import ElasticEmailProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.elasticemail.email", "elasticemail") from exc

__all__ = ["ElasticEmailProvider"]
