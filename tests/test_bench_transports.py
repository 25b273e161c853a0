"""The transport benchmark runs and counts every frame (numbers are not asserted here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.transports import (
    render,
    rtp_50_sessions,
    rtp_inbound_cpu,
    rtp_latency,
    transcript_to_first_audio,
    twilio_latency,
    webrtc_20_sessions,
    webrtc_latency,
)

ROOT = Path(__file__).resolve().parent.parent


async def test_the_transport_scenarios_run_end_to_end() -> None:
    latency = await rtp_latency(frames=20)
    assert set(latency) == {"inbound", "outbound"}
    many = await rtp_50_sessions(sessions=3, seconds=0.3)
    assert many["frames"] == many["expected_frames"] > 0
    twilio = await twilio_latency(frames=10)
    assert "p99_ms" in twilio["inbound"] and "p99_ms" in twilio["outbound"]
    assert (await transcript_to_first_audio(utterances=3))["utterances"] == 3
    assert (await rtp_inbound_cpu(packets=200))["cpu_us_per_packet"] > 0


async def test_the_webrtc_scenarios_run_end_to_end() -> None:
    one = await webrtc_latency(probes=4)
    assert one["inbound"]["p50_ms"] > 0 and one["outbound"]["p50_ms"] > 0
    assert one["inbound_end_to_end"]["p50_ms"] > 0 and one["outbound_end_to_end"]["p50_ms"] > 0
    many = await webrtc_20_sessions(sessions=2, seconds=2.2, profile=True)
    assert many["frames"] > 0 and many["kit_cpu_us_per_frame"] > 0
    assert "Opus decode (libopus via av)" in many["cpu_us_per_frame_by_part"]
    results = {"webrtc_latency": one, "webrtc_20_sessions": many}
    table = render({**results, "webrtc_20_sessions_profile": many}, (0.5, 0.7))
    assert "| WebRTC inbound (datagram at our socket to pipeline) |" in table
    assert "| WebRTC outbound (send_audio to datagram leaving our socket) |" in table
    assert "| webrtc_20_sessions inbound end to end, last second |" in table
    assert "20 WebRTC sessions, kit CPU per frame" in table
    assert "| Opus decode (libopus via av) |" in table
    assert "load average (1 min) before / after: 0.50 / 0.70" in table


def test_python_m_bench_transports_dispatches() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "transports",
            "--scenarios",
            "rtp_inbound_cpu",
            "--no-save",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert "| RTP inbound packet, CPU |" in run.stdout
