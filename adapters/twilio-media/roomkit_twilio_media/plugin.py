"""Registers the Twilio Media Streams voice backend under the name "twilio-media"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class _Factory:
    """Builds backends; ``adapter_class`` is what ``get_twilio_media_backend()`` returns."""

    def __call__(self, settings: Any = None) -> Any:
        return self.adapter_class()

    @property
    def adapter_class(self) -> type:
        from roomkit_twilio_media.backend import TwilioMediaStreamsBackend

        return TwilioMediaStreamsBackend


@hookimpl
def roomkit_register_voice_backends(register: Register) -> None:
    register(
        name="twilio-media",
        factory=_Factory(),
        capabilities={"interruption", "barge_in"},
        description="Twilio Media Streams (mu-law 8 kHz over WebSocket)",
    )
