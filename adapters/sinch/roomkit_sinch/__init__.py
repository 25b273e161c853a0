"""roomkit-sinch: Sinch SMS over the REST batches API, with HMAC-signed callbacks."""

from roomkit_sinch.config import SinchConfig
from roomkit_sinch.provider import SinchSMSProvider
from roomkit_sinch.webhooks import parse_sinch_webhook, sinch_signature

__all__ = ["SinchConfig", "SinchSMSProvider", "parse_sinch_webhook", "sinch_signature"]
