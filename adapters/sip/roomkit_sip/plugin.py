"""Registers the SIP voice backend under the name "sip"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class _Factory:
    """Builds backends; ``adapter_class`` is what ``get_sip_backend()`` returns."""

    def __call__(self, settings: Any = None) -> Any:
        return self.adapter_class()

    @property
    def adapter_class(self) -> type:
        from roomkit_sip.backend import SIPVoiceBackend

        return SIPVoiceBackend


@hookimpl
def roomkit_register_voice_backends(register: Register) -> None:
    register(
        name="sip",
        factory=_Factory(),
        capabilities={"dtmf_signaling", "interruption"},
        description=(
            "SIP calls over UDP, in and out, with digest authentication and registration; "
            "media on RTP"
        ),
    )
