"""roomkit-http: the generic HTTP webhook MessageProvider, and the HTTP client vendor adapters
share (retries on 429 and 5xx honouring Retry-After)."""

from roomkit_http.client import DEFAULT_RETRY, VendorHTTP, guarded, refusal
from roomkit_http.config import HTTPProviderConfig
from roomkit_http.provider import WebhookHTTPProvider

__all__ = [
    "DEFAULT_RETRY",
    "HTTPProviderConfig",
    "VendorHTTP",
    "WebhookHTTPProvider",
    "guarded",
    "refusal",
]
