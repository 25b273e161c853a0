"""Real FFTs for short frames.

``numpy.fft.rfft`` spends most of its time on a 320-point frame in argument handling; the
transform itself is numpy's own pocketfft ufunc, which is called directly when this numpy
has it (checked against ``numpy.fft`` once at import), and through ``numpy.fft`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Complex = npt.NDArray[np.complex128]
Floats = npt.NDArray[np.float64]


def _public_rfft(samples: Floats) -> Complex:
    return np.fft.rfft(samples, axis=-1)


def _public_irfft(spectrum: Complex, n: int) -> Floats:
    return np.fft.irfft(spectrum, n=n, axis=-1)


def _direct() -> tuple[Callable[[Floats], Complex], Callable[[Complex, int], Floats]] | None:
    try:
        from numpy.fft import _pocketfft_umath as kernels  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - numpy < 2
        return None
    forward: Any = kernels.rfft_n_even
    inverse: Any = kernels.irfft

    def rfft(samples: Floats) -> Complex:
        out = np.empty((*samples.shape[:-1], samples.shape[-1] // 2 + 1), dtype=np.complex128)
        result: Complex = forward(samples, 1.0, out=out)
        return result

    def irfft(spectrum: Complex, n: int) -> Floats:
        out = np.empty((*spectrum.shape[:-1], n), dtype=np.float64)
        result: Floats = inverse(spectrum, 1.0 / n, out=out)
        return result

    probe = np.random.default_rng(0).standard_normal((3, 64))
    try:
        if np.allclose(rfft(probe), np.fft.rfft(probe)) and np.allclose(
            irfft(np.fft.rfft(probe), 64), probe
        ):
            return rfft, irfft
    except (TypeError, ValueError):  # pragma: no cover - a numpy with another signature
        pass
    return None  # pragma: no cover


_kernels = _direct()
rfft: Callable[[Floats], Complex] = _kernels[0] if _kernels else _public_rfft
"""Real FFT along the last axis; the length must be even."""
irfft: Callable[[Complex, int], Floats] = _kernels[1] if _kernels else _public_irfft
"""Inverse of ``rfft`` for an even length ``n``."""
