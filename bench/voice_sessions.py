"""``python -m bench.voice_sessions``: how many phone calls one process keeps up with.

N sessions of one VoiceChannel (MockVoiceBackend, mock STT, the numpy stages of roomkit-audio)
are fed 20 ms frames of an 8 kHz phone line at real-time pace, all in one process: every 20 ms
each session gets its next frame. A session keeps up when no frame is dropped from its bounded
queue and its backlog (frames offered but not yet processed) does not grow. The caller speaks in
bursts with pauses and key presses, so utterances go through STT into the room while the frames
flow.

Two setups: ``telephone`` (resample 8k->16k, energy VAD, Goertzel DTMF) at ``--sessions``
(100), and ``full`` (also NLMS echo cancellation fed with the agent's voice, AGC and the
spectral-subtraction denoiser) from 10 sessions up until it stops keeping up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.audio_dsp import PHONE_RATE, frames
from roomkit import RoomKit, VoiceChannel
from roomkit.voice.audio_frame import AudioFrame
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.pipeline import AudioPipelineConfig
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit_audio.dsp import signals
from roomkit_audio.stages import (
    EnergyVADProvider,
    GainControlProvider,
    GoertzelDTMFProvider,
    LinearResamplerProvider,
    NLMSAECProvider,
    SpectralDenoiserProvider,
)

FRAME_S = 0.020
#: a session "keeps up" if its backlog stays under this many frames (100 ms)
MAX_BACKLOG = 5
#: ... and the feeder kept real-time pace: the run took at most this much longer than the audio
MAX_LATENESS = 1.05


def pipeline(setup: str) -> AudioPipelineConfig:
    stages: dict[str, Any] = {
        "resampler": LinearResamplerProvider(),
        "vad": EnergyVADProvider(),
        "dtmf": GoertzelDTMFProvider(),
    }
    if setup == "full":
        stages |= {
            "aec": NLMSAECProvider(16000),
            "agc": GainControlProvider(),
            "denoiser": SpectralDenoiserProvider(),
        }
    return AudioPipelineConfig(**stages)


def line_audio(seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """(the 8 kHz phone line, the agent's 16 kHz voice): the caller says a sentence, pauses long
    enough for the VAD to end the utterance, presses a key, pauses again; pink noise under it."""
    parts: list[np.ndarray] = []
    index = 0
    while sum(p.size for p in parts) < seconds * PHONE_RATE:
        parts += [
            signals.speech_like(1.2, PHONE_RATE, level_dbfs=-22, seed=index),
            signals.silence(0.8, PHONE_RATE),
            signals.dtmf_pair("0123456789*#"[index % 12], 0.1, PHONE_RATE),
            signals.silence(0.8, PHONE_RATE),
        ]
        index += 1
    caller = np.concatenate(parts)[: round(seconds * PHONE_RATE)].astype(np.float64)
    caller += signals.pink_noise(caller.size / PHONE_RATE, PHONE_RATE, level_dbfs=-50, seed=9)
    line = np.clip(np.rint(caller), -32768, 32767).astype(np.int16)
    return line, signals.speech_like(seconds, 16000, level_dbfs=-20, seed=7)


async def run(setup: str, sessions: int, seconds: float) -> dict[str, Any]:
    line, agent = line_audio(seconds)
    caller = [AudioFrame(f.astype("<i2").tobytes(), PHONE_RATE) for f in frames(line, PHONE_RATE)]
    reference = [AudioFrame(f.astype("<i2").tobytes(), 16000) for f in frames(agent, 16000)]
    kit = RoomKit()
    backend = MockVoiceBackend()
    config = pipeline(setup)
    channel = VoiceChannel(
        "phone", stt=MockSTTProvider(transcriptions=["hello"]), backend=backend, pipeline=config
    )
    kit.register_channel(channel)
    await kit.create_room(room_id="calls")
    await kit.attach_channel("calls", "phone")
    calls = [
        await kit.join("calls", "phone", participant_id=f"caller-{i}") for i in range(sessions)
    ]
    runners = [r for r in (channel.runner(s) for s in calls) if r is not None]
    assert len(runners) == sessions
    loop = asyncio.get_running_loop()
    backlog_by_second: list[int] = []
    worst = 0
    cpu0 = time.process_time()
    start = loop.time()
    for tick, frame in enumerate(caller):
        await asyncio.sleep(max(0.0, start + tick * FRAME_S - loop.time()))
        for session, runner in zip(calls, runners, strict=True):
            if setup == "full":  # what the agent's voice left in the echo canceller's reference
                runner.pipeline.process_outbound(reference[tick % len(reference)])
            backend.simulate_audio_received(session, frame)
        backlog = max(tick + 1 - r.stats.frames_in for r in runners)
        worst = max(worst, backlog)
        if tick % 50 == 49:
            backlog_by_second.append(backlog)
    elapsed = loop.time() - start
    cpu = time.process_time() - cpu0
    await asyncio.sleep(0.2)
    dropped = sum(r.stats.frames_dropped for r in runners)
    rejected = sum(r.stats.frames_rejected for r in runners)
    failures = sorted({f for r in runners for f in r.signals.failures})
    utterances = sum(r.stats.utterances for r in runners)
    await kit.close()
    late = backlog_by_second[-3:] if len(backlog_by_second) >= 3 else backlog_by_second
    return {
        "setup": setup,
        "sessions": sessions,
        "seconds": seconds,
        "frames_per_session": len(caller),
        "frames_dropped": dropped,
        "frames_rejected": rejected,
        "failures": failures[:3],
        "worst_backlog_frames": worst,
        "backlog_by_second": backlog_by_second,
        "utterances": utterances,
        "cpu_share_of_one_core": cpu / elapsed,
        "wall_over_audio": elapsed / (len(caller) * FRAME_S),
        "keeps_up": dropped == 0
        and rejected == 0
        and max(late, default=0) <= MAX_BACKLOG
        and elapsed <= len(caller) * FRAME_S * MAX_LATENESS,
        # CPU seconds per second of audio per session: how many such calls one core can carry
        "sessions_per_core_by_cpu": len(caller) * FRAME_S * sessions / max(cpu, 1e-9),
        "load_average_1min": os.getloadavg()[0],
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def sustained(
    setup: str, seconds: float, start: int, step: int, limit: int
) -> list[dict[str, Any]]:
    """Runs at growing session counts until one does not keep up."""
    results = []
    count = start
    while count <= limit:
        result = await run(setup, count, seconds)
        results.append(result)
        print(line_of(result), flush=True)
        if not result["keeps_up"]:
            break
        count += step
    return results


def line_of(r: dict[str, Any]) -> str:
    return (
        f"{r['setup']:9} {r['sessions']:4} sessions: dropped {r['frames_dropped']}, worst backlog "
        f"{r['worst_backlog_frames']} frames, backlog per second {r['backlog_by_second']}, "
        f"CPU {r['cpu_share_of_one_core']:.0%} of a core, wall/audio {r['wall_over_audio']:.2f}, "
        f"{r['sessions_per_core_by_cpu']:.0f} sessions per core by CPU time, "
        f"load {r['load_average_1min']:.1f}, keeps up: {r['keeps_up']}"
    )


def render(telephone: dict[str, Any], full: list[dict[str, Any]]) -> str:
    kept = [r["sessions"] for r in full if r["keeps_up"]]
    rows = [telephone, *full]
    lines = [
        "| setup | sessions | frames dropped | worst backlog (frames) | wall / audio time | "
        "CPU (share of one core) | sessions per core by CPU time | load average | keeps up |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['setup']} | {r['sessions']} | {r['frames_dropped']} | "
            f"{r['worst_backlog_frames']} | {r['wall_over_audio']:.2f} | "
            f"{r['cpu_share_of_one_core']:.0%} | {r['sessions_per_core_by_cpu']:.0f} | "
            f"{r['load_average_1min']:.1f} | {'yes' if r['keeps_up'] else 'no'} |"
        )
    lines.append("")
    lines.append(
        f"Telephone setup at {telephone['sessions']} sessions: "
        f"{'keeps up' if telephone['keeps_up'] else 'does NOT keep up'}. Full chain: "
        f"{max(kept) if kept else 0} sessions sustained (the last row is the first that was not)."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.voice_sessions")
    parser.add_argument("--sessions", type=int, default=100, help="telephone setup sessions")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--full-start", type=int, default=10)
    parser.add_argument("--full-step", type=int, default=10)
    parser.add_argument("--full-limit", type=int, default=100)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)

    async def both() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        telephone = await run("telephone", args.sessions, args.seconds)
        print(line_of(telephone), flush=True)
        full = await sustained(
            "full", args.seconds, args.full_start, args.full_step, args.full_limit
        )
        return telephone, full

    telephone, full = asyncio.run(both())
    table = render(telephone, full)
    print(table)
    if not args.no_save:
        out = Path(__file__).resolve().parent / "results"
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (out / "voice_sessions.md").write_text(
            f"Measured {stamp} on 2 cores, {args.seconds:.0f} s per run, real-time pace.\n\n"
            + table
        )
        (out / "voice_sessions.json").write_text(
            json.dumps({"telephone": telephone, "full": full}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
