"""Twilio's webhooks: X-Twilio-Signature checked with the SDK's RequestValidator on the exact
URL and form, then inbound messages (SMS, MMS, RCS) and status callbacks read from the form."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from itertools import chain
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from twilio.request_validator import (
    HMAC_SHA1,
    HMAC_SHA256,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from roomkit.domain.base import assemble
from roomkit.domain.content import CompositeContent, EventContent, MediaContent, TextContent
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field

VENDOR = "twilio"

#: Twilio's MessageStatus words onto RoomKit's.
STATUS_WORDS = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}
_INBOUND_STATES = {"received", "receiving"}
_ADDRESS_PREFIXES = ("rcs:", "sms:", "mms:")
_SETTINGS_HEADER = SIGNATURE_SETTINGS_HEADER.lower()


def _unquoted(text: str) -> str:
    return unquote_plus(text) if "%" in text or "+" in text else text


def _unquoted_ascii(text: str) -> str:
    """``unquote_plus`` of an all-ASCII text in one pass (it is one run of ASCII, which
    ``unquote_plus`` would find with a regex and decode the same way)."""
    return unquote_to_bytes(text.replace("+", " ")).decode("utf-8", "replace")


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    """An urlencoded body as (name, value) pairs, read as strictly as ``parse_qsl`` with
    ``strict_parsing`` (every field needs its ``=``). The common form takes ``_plain_form``;
    this reading serves repeated names and encoded separators."""
    text = body.decode("utf-8")
    if not text:
        return []
    pairs: list[tuple[str, str]] = []
    for field in text.split("&"):
        name, sep, value = field.partition("=")
        if not sep:
            raise ValueError(f"bad form field {field[:40]!r}")
        pairs.append((_unquoted(name), _unquoted(value)))
    return pairs


def _plain_form(body: bytes) -> dict[str, str] | None:
    """The common form in a few C-level passes: when no field encodes ``&`` or ``=``, the whole
    body can be unquoted before it is split (UTF-8 sequences never span the ASCII separators,
    so the text is the same as field by field). None when that does not hold, a field has no
    ``=`` or a name repeats: ``form_pairs`` then reads it strictly."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or "%26" in text or "%3D" in text or "%3d" in text:
        return None
    if "%" in text or "+" in text:
        text = _unquoted_ascii(text) if text.isascii() else unquote_plus(text)
    fields = text.split("&")
    try:
        params: dict[str, str] = dict([field.split("=", 1) for field in fields])
    except ValueError:  # a field without its "="
        return None
    return params if len(params) == len(fields) else None


def form_params(request: WebhookRequest) -> dict[str, Any]:
    """The form as RequestValidator wants it: a value per key, a list for repeated keys."""
    plain = _plain_form(request.body)
    if plain is not None:
        return plain
    try:
        pairs = form_pairs(request.body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError(VENDOR, f"body is not an urlencoded form ({exc})") from exc
    params: dict[str, Any] = dict(pairs)
    if len(params) == len(pairs):
        return params  # no repeated field
    params = {}
    for key, value in pairs:
        if key in params:
            held = params[key]
            params[key] = [*held, value] if isinstance(held, list) else [held, value]
        else:
            params[key] = value
    return params


class FormSigner:
    """HMAC (RFC 2104) with one key, its padded-key hash states computed once: a signature
    then costs two hash copies instead of a key setup per request."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._states: dict[str, tuple[Any, Any]] = {}

    def digest(self, message: bytes, algorithm: str) -> bytes:
        states = self._states.get(algorithm)
        if states is None:
            states = self._states[algorithm] = _padded_states(self._key, algorithm)
        inner, outer = states[0].copy(), states[1].copy()
        inner.update(message)
        outer.update(inner.digest())
        return outer.digest()  # type: ignore[no-any-return]


def _padded_states(key: bytes, algorithm: str) -> tuple[Any, Any]:
    block = hashlib.new(algorithm).block_size
    if len(key) > block:
        key = hashlib.new(algorithm, key).digest()
    key = key.ljust(block, b"\x00")
    return (
        hashlib.new(algorithm, bytes(b ^ 0x36 for b in key)),
        hashlib.new(algorithm, bytes(b ^ 0x5C for b in key)),
    )


def form_signature(
    key: bytes | FormSigner, url: str, params: dict[str, Any], algorithm: str
) -> str:
    """Twilio's signature of a form post: HMAC of the URL followed by each field name and value,
    names sorted, a repeated name's values sorted (what RequestValidator computes)."""
    if list not in map(type, params.values()):  # names are unique: values never compared
        parts = [url, *chain.from_iterable(sorted(params.items()))]
    else:
        parts = [url]
        for name in sorted(params):
            value = params[name]
            if type(value) is str:
                parts += (name, value)
            else:
                for item in sorted(set(value)):
                    parts += (name, item)
    digest = "sha256" if algorithm.upper() == HMAC_SHA256 else "sha1"
    signer = key if isinstance(key, FormSigner) else FormSigner(key)
    return base64.b64encode(signer.digest("".join(parts).encode(), digest)).decode()


class TwilioWebhooks:
    def __init__(self, auth_token: str, shared_key: str | None = None) -> None:
        self._token = RequestValidator(auth_token)
        self._shared = RequestValidator(shared_key) if shared_key else None
        self._keys = {id(self._token): FormSigner(auth_token.encode())}
        if self._shared is not None and shared_key:
            self._keys[id(self._shared)] = FormSigner(shared_key.encode())
        # the form read by authenticate(), reused by parse() of the same request
        self._form: tuple[bytes, dict[str, Any]] | None = None

    def authenticate(self, request: WebhookRequest) -> None:
        headers = request.headers  # names in lower case
        signature = headers.get("x-twilio-signature")
        if not signature:
            raise WebhookSignatureError(VENDOR, "the X-Twilio-Signature header is missing")
        settings = headers.get(_SETTINGS_HEADER)
        validator = self._token
        algorithm = HMAC_SHA1
        if settings:
            if self._shared is None:
                raise WebhookSignatureError(
                    VENDOR, "signed with a SharedKey, but webhook_shared_key is not configured"
                )
            validator = self._shared
            algorithm = get_signature_algorithm(settings)
        if "bodySHA256=" in request.url:  # a JSON body, signed through its hash in the URL
            try:
                params: Any = request.body.decode("utf-8")
            except UnicodeDecodeError:
                raise WebhookSignatureError(VENDOR, "the body is not UTF-8") from None
        elif request.content_type not in ("application/x-www-form-urlencoded", ""):
            raise WebhookSignatureError(
                VENDOR, f"a {request.content_type} body must be signed with bodySHA256 in the URL"
            )
        else:
            try:
                params = form_params(request)
            except WebhookPayloadError:
                raise WebhookSignatureError(VENDOR, "the body is not a signed form") from None
            key = self._keys[id(validator)]
            if algorithm.upper() in (HMAC_SHA1, HMAC_SHA256) and hmac.compare_digest(
                form_signature(key, request.url, params, algorithm), signature
            ):
                self._form = (request.body, params)
                return  # the URL as given matched; the SDK below also tries it with/without port
        try:
            valid = validator.validate(request.url, params, signature, algorithm)
        except (TypeError, ValueError, UnicodeError):
            valid = False
        if not valid:
            raise WebhookSignatureError(VENDOR, "X-Twilio-Signature does not match the request")
        if isinstance(params, dict):
            self._form = (request.body, params)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        cached, self._form = self._form, None
        # a form kept by authenticate() was checked to be a form post already
        params = cached[1] if cached is not None and cached[0] is request.body else None
        if params is None:
            if request.content_type not in ("application/x-www-form-urlencoded", ""):
                raise WebhookPayloadError(
                    VENDOR, f"expected a form post, got content type {request.content_type!r}"
                )
            params = form_params(request)
        if list in map(type, params.values()):  # a repeated field: its last value
            params = {k: v if isinstance(v, str) else v[-1] for k, v in params.items()}
        return parse_form(params, channel_id)


def parse_form(form: Mapping[str, str], channel_id: str) -> WebhookBatch:
    status = form.get("MessageStatus") or ""
    if status and status not in _INBOUND_STATES:
        return assemble(WebhookBatch, statuses=[_status(form, channel_id)])
    return assemble(WebhookBatch, messages=[_message(form, channel_id)])


def _address(value: str) -> str:
    for prefix in _ADDRESS_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def _message(form: Mapping[str, str], channel_id: str) -> InboundMessage:
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid")
    if not sid:
        raise WebhookPayloadError(VENDOR, "field 'MessageSid' is missing")
    sender = require_field(VENDOR, form, "From")
    parts: list[EventContent] = []
    body = form.get("Body", "")
    if body:
        parts.append(assemble(TextContent, body=body))  # a str read from the form
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        raise WebhookPayloadError(VENDOR, "field 'NumMedia' is not a number") from None
    if not 0 <= count <= 10:
        raise WebhookPayloadError(VENDOR, f"NumMedia {count} is outside 0..10")
    for i in range(count):
        url = require_field(VENDOR, form, f"MediaUrl{i}")
        mime = form.get(f"MediaContentType{i}") or "application/octet-stream"
        parts.append(MediaContent(url=url, mime_type=mime))
    if not parts:
        raise WebhookPayloadError(VENDOR, "the message has neither text nor media")
    content: EventContent = parts[0] if len(parts) == 1 else CompositeContent(parts=parts)
    # every value is a str read from the form and the content was validated when made
    return assemble(
        InboundMessage,
        channel_id=channel_id,
        sender_id=_address(sender),
        content=content,
        provider_message_id=sid,
        metadata={
            "provider": VENDOR,
            "from": sender,
            "to": form.get("To", ""),
            "account_sid": form.get("AccountSid", ""),
            **(
                {"messaging_service_sid": form["MessagingServiceSid"]}
                if form.get("MessagingServiceSid")
                else {}
            ),
        },
    )


def _status(form: Mapping[str, str], channel_id: str) -> DeliveryStatus:
    word = form["MessageStatus"]
    normalised = STATUS_WORDS.get(word)
    if normalised is None:
        raise WebhookPayloadError(VENDOR, f"unknown MessageStatus {word!r}")
    sid = form.get("MessageSid") or form.get("SmsSid")
    if not sid:
        raise WebhookPayloadError(VENDOR, "field 'MessageSid' is missing")
    code = form.get("ErrorCode") or None
    return DeliveryStatus(
        provider=VENDOR,
        message_id=sid,
        status=normalised,
        recipient=_address(form.get("To", "")) or None,
        error_code=code,
        error_message=form.get("ErrorMessage") or (f"Twilio error {code}" if code else None),
        channel_id=channel_id,
        raw=dict(form),
    )


def parse_twilio_webhook(request_data: Any, channel_id: str = "sms-twilio") -> InboundMessage:
    """Read an inbound message from Twilio's form fields (a mapping) or from the request meta
    ``{"method", "url", "headers", "body"}``. No signature check: use ``kit.process_webhook``
    or ``TwilioSMSProvider.authenticate`` for requests from the network."""
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        request = WebhookRequest.from_meta(request_data)
        form = {k: v if isinstance(v, str) else v[-1] for k, v in form_params(request).items()}
    elif isinstance(request_data, Mapping):
        form = {str(k): str(v) for k, v in request_data.items()}
    else:
        raise WebhookPayloadError(VENDOR, "give the form fields or the request meta")
    batch = parse_form(form, channel_id)
    if not batch.messages:
        raise WebhookPayloadError(VENDOR, "this is a status callback, not a message")
    return batch.messages[0]
