"""The inbound path without a network: RTP packets in order, reordered, lost, duplicated."""

from __future__ import annotations

import asyncio
import fractions
import math
import struct

import av
import pytest
from aiortc.rtp import RtpPacket

from roomkit_fastrtc.inbound import OpusInbound, ReorderWindow


def test_in_order_items_leave_at_once_whatever_the_window() -> None:
    for frames in (0, 1, 4):
        window: ReorderWindow[str] = ReorderWindow(frames)
        assert [window.add(seq, f"p{seq}") for seq in (7, 8, 9)] == [["p7"], ["p8"], ["p9"]]
        assert not window.holding


def test_an_item_that_overtook_a_missing_one_waits_for_it_within_the_window() -> None:
    window: ReorderWindow[int] = ReorderWindow(2)
    assert window.add(1, 1) == [1]
    assert window.add(3, 3) == []  # 2 is missing: 3 waits
    assert window.holding
    assert window.add(2, 2) == [2, 3]  # back in order
    assert window.lost == 0 and not window.holding


def test_a_missing_item_is_given_up_once_the_window_is_full() -> None:
    window: ReorderWindow[int] = ReorderWindow(2)
    window.add(1, 1)
    assert window.add(3, 3) == []
    assert window.add(4, 4) == []
    assert window.add(5, 5) == [3, 4, 5]  # a third later item: 2 is lost
    assert window.lost == 1
    assert window.add(2, 2) == []  # too late now
    assert window.dropped == 1


def test_with_no_window_nothing_waits_and_a_late_item_is_dropped() -> None:
    window: ReorderWindow[int] = ReorderWindow(0)
    window.add(1, 1)
    assert window.add(3, 3) == [3]
    assert window.add(2, 2) == []
    assert (window.lost, window.dropped) == (1, 1)


def test_duplicates_are_dropped() -> None:
    window: ReorderWindow[int] = ReorderWindow(2)
    window.add(1, 1)
    window.add(3, 3)
    assert window.add(3, 3) == [] and window.add(1, 1) == []
    assert window.dropped == 2


def test_sequence_numbers_wrap() -> None:
    window: ReorderWindow[int] = ReorderWindow(1)
    window.add(65534, 0)
    assert window.add(0, 2) == []
    assert window.add(65535, 1) == [1, 2]
    assert window.add(1, 3) == [3]


def test_a_restarted_stream_is_followed_not_dropped() -> None:
    window: ReorderWindow[int] = ReorderWindow(2)
    window.add(100, 0)
    window.add(102, 2)  # held behind 101
    assert window.add(40000, 9) == [2, 9]  # what was held, then the new stream
    assert window.add(40001, 10) == [10]


def test_release_gives_every_gap_up_in_order() -> None:
    window: ReorderWindow[int] = ReorderWindow(5)
    window.add(1, 1)
    window.add(5, 5)
    window.add(3, 3)
    assert window.release() == [3, 5]
    assert window.lost == 2 and not window.holding


def opus_packets(levels: list[int]) -> list[bytes]:
    """One 20 ms Opus packet per level: a 440 Hz tone of that amplitude (0: silence)."""
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate = 48000
    encoder.format = "s16"
    encoder.layout = "mono"
    encoder.time_base = fractions.Fraction(1, 48000)
    out = []
    for index, level in enumerate(levels):
        frame = av.AudioFrame(format="s16", layout="mono", samples=960)
        tone = (int(level * math.sin(2 * math.pi * 440 * i / 48000)) for i in range(960))
        frame.planes[0].update(struct.pack("<960h", *tone))
        frame.pts = index * 960
        frame.sample_rate = 48000
        out += [bytes(packet) for packet in encoder.encode(frame)]
    return out


def rtp(sequence: int, payload: bytes) -> RtpPacket:
    return RtpPacket(
        payload_type=111, sequence_number=sequence, timestamp=sequence * 960, payload=payload
    )


def peak(pcm: bytes) -> int:
    samples: tuple[int, ...] = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    return max(abs(sample) for sample in samples)


async def test_a_packet_is_decoded_and_delivered_before_the_next_one_arrives() -> None:
    for rate in (48000, 16000):
        delivered: list[bytes] = []
        inbound = OpusInbound(delivered.append, rate, reorder_frames=0)
        [packet] = opus_packets([8000])
        assert inbound.add(rtp(1, packet)) == (False, None)  # nothing for aiortc's decoder
        assert len(delivered) == 1  # at once: no later packet needed
        assert len(delivered[0]) in (2 * rate // 50, 2 * rate // 50 - 2 * (rate // 1000))
        assert inbound.frames == 1
        inbound.close()


async def test_reordered_packets_reach_the_pipeline_in_order() -> None:
    delivered: list[bytes] = []
    inbound = OpusInbound(delivered.append, 48000, reorder_frames=1)
    silent, soft, loud = opus_packets([0, 3000, 12000])
    inbound.add(rtp(10, silent))
    inbound.add(rtp(12, loud))  # overtook 11
    assert len(delivered) == 1
    inbound.add(rtp(11, soft))
    assert len(delivered) == 3
    assert peak(delivered[0]) < 1000 < peak(delivered[1]) < 6000 < peak(delivered[2])
    inbound.close()


async def test_a_gap_is_given_up_after_the_window_even_if_the_stream_pauses() -> None:
    delivered: list[bytes] = []
    inbound = OpusInbound(delivered.append, 48000, reorder_frames=1)
    packets = opus_packets([3000, 3000, 3000])
    inbound.add(rtp(1, packets[0]))
    inbound.add(rtp(3, packets[2]))  # 2 never comes, and nothing after 3
    assert len(delivered) == 1
    async with asyncio.timeout(5):
        while len(delivered) < 2:  # noqa: ASYNC110 - the window's timer releases it
            await asyncio.sleep(0.005)
    assert inbound.window.lost == 1
    inbound.close()


async def test_a_failing_callback_or_a_bad_packet_does_not_stop_the_stream() -> None:
    calls: list[bytes] = []

    def deliver(pcm: bytes) -> None:
        calls.append(pcm)
        raise RuntimeError("pipeline bug")

    inbound = OpusInbound(deliver, 48000, reorder_frames=0)
    good = opus_packets([3000, 3000])
    inbound.add(rtp(1, good[0]))
    inbound.add(rtp(2, b"\xff\xff\xff"))
    inbound.add(rtp(3, good[1]))
    assert len(calls) >= 2 and inbound.errors <= 1
    inbound.close()


def test_a_negative_window_is_refused() -> None:
    with pytest.raises(ValueError):
        ReorderWindow(-1)
