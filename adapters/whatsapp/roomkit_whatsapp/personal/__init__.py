"""WhatsApp Personal: a linked-device session (neonize) as a MessageProvider and an event source.

Install the ``whatsapp-personal`` extra for neonize; without it, ``WhatsAppPersonalProvider()``
raises an ImportError naming that extra (a ``client=`` of your own needs no neonize).
"""

from roomkit_whatsapp.personal.client import (
    PersonalClient,
    PersonalMedia,
    PersonalMessage,
)
from roomkit_whatsapp.personal.neonize_client import NeonizeClient
from roomkit_whatsapp.personal.provider import WhatsAppPersonalProvider, WhatsAppPersonalSource

__all__ = [
    "NeonizeClient",
    "PersonalClient",
    "PersonalMedia",
    "PersonalMessage",
    "WhatsAppPersonalProvider",
    "WhatsAppPersonalSource",
]
