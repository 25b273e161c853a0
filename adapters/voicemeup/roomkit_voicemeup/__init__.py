"""roomkit-voicemeup: VoiceMeUp SMS/MMS over its REST API; split MMS webhooks merged."""

from roomkit_voicemeup.config import VoiceMeUpConfig
from roomkit_voicemeup.provider import VoiceMeUpSMSProvider
from roomkit_voicemeup.webhooks import parse_voicemeup_webhook

__all__ = ["VoiceMeUpConfig", "VoiceMeUpSMSProvider", "parse_voicemeup_webhook"]
