"""process_webhook: authenticate a vendor's request on its raw bytes, parse it, then run each
message through the inbound pipeline and each delivery report through the status tracker.

A request that fails authentication or parsing raises a WebhookError and stores nothing; a
redelivered message is answered from its first result (the pipeline dedups by provider id).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from roomkit.application.delivery_status import DeliveryStatusTracker
from roomkit.application.inbound.pipeline import InboundPipeline
from roomkit.application.runtime import Runtime
from roomkit.domain.base import assemble
from roomkit.domain.errors import (
    InvalidEventError,
    NoWebhookParserError,
    WebhookError,
    WebhookPayloadError,
    WebhookRequestError,
    WebhookSignatureError,
)
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.validation import text_is_valid
from roomkit.domain.webhook import WebhookBatch, WebhookOutcome, WebhookRequest
from roomkit.ports.webhooks import WebhookParser

#: Bodies above this size are refused before anything else (no vendor sends more).
MAX_WEBHOOK_BYTES = 5 * 1024 * 1024


class WebhookIntake:
    def __init__(
        self, runtime: Runtime, pipeline: InboundPipeline, statuses: DeliveryStatusTracker
    ) -> None:
        self._rt = runtime
        self._pipeline = pipeline
        self._statuses = statuses
        #: each channel's parser, found again when the channel or its provider is replaced
        self._parsers: dict[str, tuple[object, object, WebhookParser]] = {}

    def parser_for(self, channel_id: str) -> WebhookParser:
        channel = self._rt.channel(channel_id)
        provider = getattr(channel, "provider", None)  # a transport's parser is its provider
        known = self._parsers.get(channel_id)
        if known is not None and known[0] is channel and known[1] is provider:
            return known[2]
        parser = self._find_parser(channel, channel_id)
        self._parsers[channel_id] = (channel, provider, parser)
        return parser

    @staticmethod
    def _find_parser(channel: object, channel_id: str) -> WebhookParser:
        parser = getattr(channel, "webhook_parser", None)
        if isinstance(channel, WebhookParser):
            parser = channel
        if not isinstance(parser, WebhookParser):
            raise NoWebhookParserError(channel_id)
        return parser

    def read(self, meta: Any, channel_id: str) -> WebhookBatch:
        """Authenticate and parse, touching nothing: raise a WebhookError on any problem."""
        return self._read(self.parser_for(channel_id), WebhookRequest.from_meta(meta), channel_id)

    def _read(
        self, parser: WebhookParser, request: WebhookRequest, channel_id: str
    ) -> WebhookBatch:
        if len(request.body) > MAX_WEBHOOK_BYTES:
            raise WebhookRequestError(
                f"webhook body of {len(request.body)} bytes exceeds {MAX_WEBHOOK_BYTES}"
            )
        try:
            parser.authenticate(request)
        except WebhookError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            # a request the check cannot even read is not authenticated
            raise WebhookSignatureError(
                parser.name, f"could not check the signature ({type(exc).__name__}: {exc})"
            ) from exc
        try:
            batch = parser.parse(request, channel_id)
        except WebhookError:
            raise
        except ValidationError as exc:
            raise WebhookPayloadError(parser.name, _first_problem(exc)) from exc
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            raise WebhookPayloadError(parser.name, f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(batch, WebhookBatch):
            raise WebhookPayloadError(parser.name, "the parser returned no WebhookBatch")
        for message in batch.messages:
            # what cannot be stored is refused here (lone surrogates from JSON escapes)
            if not _storable_text(message):
                raise WebhookPayloadError(
                    parser.name,
                    "the message is not storable: its text holds a lone surrogate "
                    "(not valid Unicode)",
                )
        return batch

    async def process(self, meta: Any, channel_id: str) -> WebhookOutcome:
        parser = self.parser_for(channel_id)
        request = WebhookRequest.from_meta(meta)
        if len(request.body) <= MAX_WEBHOOK_BYTES:
            await parser.prepare(request)
        batch = self._read(parser, request, channel_id)
        results = [await self._pipeline.process(message) for message in batch.messages]
        statuses = [await self._statuses.process(status) for status in batch.statuses]
        return assemble(WebhookOutcome, results=results, statuses=statuses)


def _storable_text(message: InboundMessage) -> bool:
    try:
        return text_is_valid(message.content, message.metadata)
    except InvalidEventError:
        return False


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error.get("loc", ())) or "payload"
    return f"{where}: {error.get('msg', 'invalid')}"
