"""The aec stage: its port and settings."""

from roomkit.ports.voice import (
    AECProvider,
)
from roomkit.voice.loaders import module_getattr

__all__ = ["AECProvider"]

#: signal-processing stages on numpy, from ``pip install roomkit[audio]``
__getattr__ = module_getattr(
    __name__,
    {
        "NLMSAECProvider": ("aec_provider", "nlms", "audio"),
    },
)
