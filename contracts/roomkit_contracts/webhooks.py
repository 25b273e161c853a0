"""WebhookParserContract: a vendor's webhooks are authenticated on their raw bytes before they
are read, malformed ones give a WebhookPayloadError naming the problem, and a redelivery parses
to the same vendor message id (which RoomKit's pipeline dedups on)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from roomkit.domain.errors import WebhookError, WebhookPayloadError, WebhookSignatureError
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.webhooks import WebhookParser
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper

Sign = Callable[[WebhookRequest], WebhookRequest]

#: The delivery words a parsed report may carry (the vendor's own word stays in ``raw``).
NORMALISED_STATUSES = frozenset({"queued", "sent", "delivered", "read", "failed"})


@dataclass(frozen=True)
class WebhookScenario:
    """What the suite needs from a vendor's webhooks.

    ``inbound`` is an unsigned request carrying one message from ``sender_id`` whose text is
    ``text`` (one word, so it appears verbatim in the body); ``sign`` adds the vendor's valid
    signature, ``sign_with_wrong_key`` a signature made with another secret, ``sign_stale`` a
    valid signature with a timestamp outside the tolerance (None when the vendor has none);
    ``malformed`` is an unsigned request the vendor could sign but that lacks the sender;
    ``status_report`` an unsigned delivery report for ``status_message_id`` (None if the vendor
    reports delivery elsewhere).
    """

    parser: WebhookParser
    inbound: WebhookRequest
    sender_id: str
    text: str
    provider_message_id: str
    sign: Sign
    sign_with_wrong_key: Sign
    malformed: WebhookRequest
    sign_stale: Sign | None = None
    status_report: WebhookRequest | None = None
    status_message_id: str | None = None


class WebhookParserContract(ContractSuite, port=WebhookParser, adapter_fixture="webhook_scenario"):
    """Subclass it and override ``webhook_scenario`` to return a :class:`WebhookScenario`."""

    @pytest.fixture
    def webhook_scenario(self) -> WebhookScenario:
        """The parser with requests and signers (must be overridden)."""
        missing_adapter("webhook_scenario", "WebhookParser (return a WebhookScenario)")

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def tampered(request: WebhookRequest, text: str) -> WebhookRequest:
        """``request`` with the message text changed after it was signed."""
        changed = text[:-1] + ("x" if text[-1] != "x" else "y")
        body = request.body.replace(text.encode(), changed.encode())
        assert body != request.body, "the scenario's text does not appear verbatim in the body"
        return request.model_copy(update={"body": body})

    @staticmethod
    @scenario_helper
    def with_body(request: WebhookRequest, body: bytes) -> WebhookRequest:
        return request.model_copy(update={"body": body})

    @staticmethod
    @scenario_helper
    def parse(scenario: WebhookScenario, request: WebhookRequest) -> WebhookBatch:
        """Authenticate then parse, as process_webhook does."""
        scenario.parser.authenticate(request)
        batch = scenario.parser.parse(request, "contract-channel")
        assert isinstance(batch, WebhookBatch), f"parse() returned {batch!r}"
        return batch

    # the adapter -----------------------------------------------------------------------------
    def test_adapter_implements_the_port(self, webhook_scenario: WebhookScenario) -> None:
        """The scenario's parser is a WebhookParser.

        If this fails, subclass roomkit.ports.webhooks.WebhookParser.
        """
        assert isinstance(webhook_scenario, WebhookScenario), "return a WebhookScenario"
        assert isinstance(webhook_scenario.parser, WebhookParser)

    def test_signed_message_is_parsed(self, webhook_scenario: WebhookScenario) -> None:
        """A correctly signed message gives one InboundMessage with sender, text and vendor id.

        If this fails, check the signature algorithm against the vendor's docs and the fields read.
        """
        s = webhook_scenario
        batch = self.parse(s, s.sign(s.inbound))
        assert len(batch.messages) == 1, f"expected one message, got {batch.messages}"
        [message] = batch.messages
        assert message.channel_id == "contract-channel"
        assert message.sender_id == s.sender_id
        assert message.provider_message_id == s.provider_message_id
        assert s.text in message.content.model_dump_json(), f"text missing from {message.content}"

    # authentication --------------------------------------------------------------------------
    def test_tampered_body_is_rejected(self, webhook_scenario: WebhookScenario) -> None:
        """A body changed after signing fails authentication.

        If this fails, the signature is not computed over the raw body bytes.
        """
        s = webhook_scenario
        with pytest.raises(WebhookSignatureError):
            s.parser.authenticate(self.tampered(s.sign(s.inbound), s.text))

    def test_wrong_key_is_rejected(self, webhook_scenario: WebhookScenario) -> None:
        """A signature made with another secret fails authentication.

        If this fails, the parser does not verify with its configured secret or key.
        """
        s = webhook_scenario
        with pytest.raises(WebhookSignatureError):
            s.parser.authenticate(s.sign_with_wrong_key(s.inbound))

    def test_unsigned_request_is_rejected(self, webhook_scenario: WebhookScenario) -> None:
        """A request without any signature fails authentication.

        If this fails, a missing signature header is treated as valid.
        """
        s = webhook_scenario
        with pytest.raises(WebhookSignatureError):
            s.parser.authenticate(s.inbound)

    def test_stale_timestamp_is_rejected(self, webhook_scenario: WebhookScenario) -> None:
        """A valid signature over an old timestamp fails authentication (replay protection).

        If this fails, check the timestamp against the tolerance before accepting.
        """
        s = webhook_scenario
        if s.sign_stale is None:
            pytest.skip("this vendor's webhooks carry no timestamp")
        with pytest.raises(WebhookSignatureError):
            s.parser.authenticate(s.sign_stale(s.inbound))

    # malformed payloads ----------------------------------------------------------------------
    def test_malformed_payload_names_the_problem(self, webhook_scenario: WebhookScenario) -> None:
        """A signed payload without a sender raises WebhookPayloadError, not KeyError & co.

        If this fails, validate the vendor's fields and raise WebhookPayloadError naming them.
        """
        s = webhook_scenario
        with pytest.raises(WebhookPayloadError) as info:
            self.parse(s, s.sign(s.malformed))
        assert info.value.problem, "the error does not say what was wrong"

    def test_garbage_bodies_raise_webhook_errors(self, webhook_scenario: WebhookScenario) -> None:
        """Random bytes, truncated bodies and an empty body raise WebhookError, nothing else.

        If this fails, some input reaches an unguarded json.loads, dict lookup or decode.
        """
        s = webhook_scenario
        body = s.inbound.body
        bodies = [b"", os.urandom(64), body[: len(body) // 2], b"\xff\xfe" + body, b"[1, 2]"]
        for garbage in bodies:
            with pytest.raises(WebhookError):
                self.parse(s, s.sign(self.with_body(s.inbound, garbage)))

    # delivery reports ------------------------------------------------------------------------
    def test_status_report_is_normalised(self, webhook_scenario: WebhookScenario) -> None:
        """A delivery report gives a DeliveryStatus for the vendor's message id, normalised.

        If this fails, map the vendor's status words onto queued/sent/delivered/read/failed.
        """
        s = webhook_scenario
        if s.status_report is None:
            pytest.skip("this vendor reports no delivery status by webhook")
        batch = self.parse(s, s.sign(s.status_report))
        assert batch.messages == [], "a delivery report is not a message"
        [status] = batch.statuses
        assert status.message_id == s.status_message_id
        assert status.status in NORMALISED_STATUSES, f"status {status.status!r} not normalised"

    def test_redelivery_parses_to_the_same_vendor_id(
        self, webhook_scenario: WebhookScenario
    ) -> None:
        """The same signed request parsed twice gives the same provider_message_id (RoomKit
        stores a redelivered webhook once by that id).

        If this fails, set provider_message_id to the vendor's message id, not a generated one.
        """
        s = webhook_scenario
        signed = s.sign(s.inbound)
        first = self.parse(s, signed).messages[0].provider_message_id
        again = self.parse(s, signed).messages[0].provider_message_id
        assert first == again == s.provider_message_id

    def test_rejection_happens_before_parsing(self, webhook_scenario: WebhookScenario) -> None:
        """authenticate() alone refuses a bad request: a wrong-key request never needs parse().

        If this fails, authentication depends on parsing; check the raw bytes first.
        """
        s = webhook_scenario
        bad = s.sign_with_wrong_key(s.malformed)
        with pytest.raises(WebhookSignatureError):
            s.parser.authenticate(bad)
