"""roomkit-elasticemail: Elastic Email transactional email (v4), notifications, inbound mail."""

from roomkit_elasticemail.config import ElasticEmailConfig
from roomkit_elasticemail.provider import ElasticEmailProvider

__all__ = ["ElasticEmailConfig", "ElasticEmailProvider"]
