"""G.711 against the reference encoder in the standard library, the resampler and RTP parsing."""

from __future__ import annotations

import struct
import warnings

import pytest

from roomkit_rtp.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from roomkit_rtp.packet import RTPFormatError, RTPPacket, TelephoneEvent
from roomkit_rtp.resample import resample

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # the reference G.711 (Sun's g711.c), still in Python 3.12

EVERY_SAMPLE = struct.pack("<65536h", *range(-32768, 32768))
EVERY_CODE = bytes(range(256))


def test_mu_law_matches_the_reference_for_every_sample_and_code() -> None:
    assert ulaw_encode(EVERY_SAMPLE) == audioop.lin2ulaw(EVERY_SAMPLE, 2)
    assert ulaw_decode(EVERY_CODE) == audioop.ulaw2lin(EVERY_CODE, 2)


def test_a_law_matches_the_reference_for_every_sample_and_code() -> None:
    assert alaw_encode(EVERY_SAMPLE) == audioop.lin2alaw(EVERY_SAMPLE, 2)
    assert alaw_decode(EVERY_CODE) == audioop.alaw2lin(EVERY_CODE, 2)


def test_odd_pcm_is_refused() -> None:
    with pytest.raises(ValueError, match="even number of bytes"):
        ulaw_encode(b"\x00\x00\x00")


def test_resampling_keeps_duration_and_a_constant_level() -> None:
    flat = struct.pack("<320h", *([1000] * 320))
    down = resample(flat, 16000, 8000)
    assert len(down) == 320 and set(struct.unpack("<160h", down)) == {1000}
    up = resample(down, 8000, 48000)
    assert len(up) == 1920 and set(struct.unpack("<960h", up)) == {1000}
    assert resample(flat, 16000, 16000) is flat


def test_rtp_packets_round_trip_and_bad_ones_are_named() -> None:
    packet = RTPPacket(0, 65535, 2**32 - 160, 0x1234ABCD, b"\xff" * 160, marker=True)
    assert RTPPacket.parse(packet.to_bytes()) == packet
    with pytest.raises(RTPFormatError, match="12-byte header"):
        RTPPacket.parse(b"\x80\x00")
    with pytest.raises(RTPFormatError, match="version must be 2"):
        RTPPacket.parse(b"\x40" + b"\x00" * 11)


def test_rtp_csrc_extension_and_padding_are_skipped() -> None:
    header = struct.pack("!BBHII", 0x80 | 0x20 | 0x10 | 1, 8, 7, 160, 42)
    csrc = b"\x00\x00\x00\x01"
    extension = struct.pack("!HH", 0xBEDE, 1) + b"\x00" * 4
    data = header + csrc + extension + b"\xd5" * 10 + b"\x00\x00\x03"
    parsed = RTPPacket.parse(data)
    assert parsed.payload == b"\xd5" * 10 and parsed.payload_type == 8


def test_telephone_events_round_trip() -> None:
    event = TelephoneEvent("#", end=True, volume=10, duration=1280)
    assert event.to_bytes() == bytes([11, 0x80 | 10]) + struct.pack("!H", 1280)
    assert TelephoneEvent.parse(event.to_bytes()) == event
    with pytest.raises(RTPFormatError, match="not a DTMF digit"):
        TelephoneEvent.parse(bytes([16, 0, 0, 0]))
