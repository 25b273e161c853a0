"""The denoiser stage: its port and settings."""

from roomkit.ports.voice import (
    DenoiserProvider,
)
from roomkit.voice.loaders import module_getattr

__all__ = ["DenoiserProvider"]

#: signal-processing stages on numpy, from ``pip install roomkit[audio]``
__getattr__ = module_getattr(
    __name__,
    {
        "SpectralDenoiserProvider": ("denoiser", "spectral-subtraction", "audio"),
    },
)
