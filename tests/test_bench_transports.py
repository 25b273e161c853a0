"""The transport benchmark runs and counts every frame (numbers are not asserted here)."""

from __future__ import annotations

from bench.transports import (
    rtp_50_sessions,
    rtp_latency,
    transcript_to_first_audio,
    twilio_latency,
)


async def test_the_transport_scenarios_run_end_to_end() -> None:
    latency = await rtp_latency(frames=20)
    assert set(latency) == {"inbound", "outbound"}
    many = await rtp_50_sessions(sessions=3, seconds=0.3)
    assert many["frames"] == many["expected_frames"] > 0
    assert "p99_ms" in (await twilio_latency(frames=10))["inbound"]
    assert (await transcript_to_first_audio(utterances=3))["utterances"] == 3
