"""roomkit-sendgrid: SendGrid email (Mail Send v3, signed Event Webhook, Inbound Parse)."""

from roomkit_sendgrid.config import SendGridConfig
from roomkit_sendgrid.provider import SendGridEmailProvider

__all__ = ["SendGridConfig", "SendGridEmailProvider"]
