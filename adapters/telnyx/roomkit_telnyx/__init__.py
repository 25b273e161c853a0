"""roomkit-telnyx: Telnyx SMS/MMS and RCS over the v2 API, with Ed25519-signed webhooks."""

from roomkit_telnyx.config import TelnyxConfig, TelnyxRCSConfig
from roomkit_telnyx.provider import TelnyxRCSProvider, TelnyxSMSProvider
from roomkit_telnyx.webhooks import parse_telnyx_webhook

__all__ = [
    "TelnyxConfig",
    "TelnyxRCSConfig",
    "TelnyxRCSProvider",
    "TelnyxSMSProvider",
    "parse_telnyx_webhook",
]
