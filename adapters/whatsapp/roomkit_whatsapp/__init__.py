"""roomkit-whatsapp: WhatsApp Business over the Cloud API (httpx), with signed webhooks and the
24-hour customer-service window; WhatsApp Personal on neonize in ``roomkit_whatsapp.personal``."""

from roomkit_http.meta import hub_signature
from roomkit_whatsapp.config import WhatsAppConfig
from roomkit_whatsapp.errors import WhatsAppAPIError
from roomkit_whatsapp.messages import UnsendableContent, messages_for
from roomkit_whatsapp.provider import WhatsAppProvider
from roomkit_whatsapp.webhooks import parse_whatsapp_webhook, verify_subscription
from roomkit_whatsapp.window import CustomerWindow

__all__ = [
    "CustomerWindow",
    "UnsendableContent",
    "WhatsAppAPIError",
    "WhatsAppConfig",
    "WhatsAppProvider",
    "hub_signature",
    "messages_for",
    "parse_whatsapp_webhook",
    "verify_subscription",
]
