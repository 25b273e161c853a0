"""The 24-hour customer-service window: free-form messages may go to a customer only within
24 hours of that customer's last message; outside it only templates are delivered.

The window opens at the time the customer's message was sent (the webhook's ``timestamp``,
never later than the clock's now), so a webhook Meta redelivers days later does not reopen it.
It lives in the provider's process: after a restart a customer's window is unknown (closed)
until their next message, or until ``open(...)`` is called from your own records.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from roomkit.ports.clock import Clock

WINDOW = timedelta(hours=24)


def wa_key(address: str) -> str:
    """The digits of a phone number or wa_id: "+1 (555) 010-0199" and "15550100199" match."""
    digits = "".join(ch for ch in address if ch.isdigit())
    return digits or address


class CustomerWindow:
    def __init__(self, clock: Clock, length: timedelta = WINDOW) -> None:
        self._clock = clock
        self._length = length
        self._last: dict[str, datetime] = {}

    def note_inbound(self, customer: str, sent_at: datetime | None = None) -> None:
        now = self._clock.now()
        at = now if sent_at is None else min(sent_at, now)
        key = wa_key(customer)
        if key not in self._last or self._last[key] < at:
            self._last[key] = at

    def open(self, customer: str, at: datetime | None = None) -> None:
        """Record that ``customer`` wrote at ``at`` (now by default), from outside webhooks."""
        self.note_inbound(customer, at)

    def close(self, customer: str) -> None:
        self._last.pop(wa_key(customer), None)

    def last_inbound(self, customer: str) -> datetime | None:
        return self._last.get(wa_key(customer))

    def is_open(self, customer: str) -> bool:
        last = self._last.get(wa_key(customer))
        return last is not None and self._clock.now() - last < self._length

    def closed_reason(self, customer: str) -> str:
        last = self._last.get(wa_key(customer))
        if last is None:
            seen = "has not written to this number since the provider started"
        else:
            hours = (self._clock.now() - last).total_seconds() / 3600
            seen = f"last wrote {hours:.1f} hours ago"
        return (
            f"the 24-hour customer-service window with {customer} is closed (the customer "
            f"{seen}): only a TemplateContent can be sent until they write again"
        )
