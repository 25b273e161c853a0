"""The resampler stage: its port and settings."""

from roomkit.ports.voice import (
    Resampler,
)
from roomkit.voice.loaders import module_getattr

__all__ = ["Resampler"]

#: signal-processing stages on numpy, from ``pip install roomkit[audio]``
__getattr__ = module_getattr(
    __name__,
    {
        "LinearResamplerProvider": ("resampler", "linear", "audio"),
        "SincResamplerProvider": ("resampler", "sinc", "audio"),
        "SincResampler": ("resampler", "sinc", "audio"),
    },
)
