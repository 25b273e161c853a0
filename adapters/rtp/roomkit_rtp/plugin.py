"""Registers the RTP voice backend under the name "rtp"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class _Factory:
    """Builds backends; ``adapter_class`` is what ``get_rtp_backend()`` returns."""

    def __call__(self, settings: Any = None) -> Any:
        return self.adapter_class()

    @property
    def adapter_class(self) -> type:
        from roomkit_rtp.backend import RTPVoiceBackend

        return RTPVoiceBackend


@hookimpl
def roomkit_register_voice_backends(register: Register) -> None:
    register(
        name="rtp",
        factory=_Factory(),
        capabilities={"dtmf_signaling", "interruption"},
        description="RTP over UDP: G.711 mu-law/A-law and L16, RFC 4733 digits",
    )
