"""``python -m bench.audio_dsp``: the cost of each numpy voice stage per 20 ms frame.

A telephone call is simulated: the 8 kHz line carries the caller (speech-like bursts, DTMF
keys, pink noise) and the echo of the agent's 16 kHz voice. Each stage runs alone over the
whole call, then the full inbound chain (resample 8k->16k, DTMF, AEC fed with the agent's
voice, AGC, denoise, VAD) runs frame by frame. Figures are microseconds per 20 ms frame over
``--repeat`` runs: the median CPU time of the thread (what a frame costs even while other
processes share the cores) and the median and best wall times, with the real-time factor (how
many times faster than real time one core runs the stage).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from roomkit_audio.dsp import (
    AutomaticGainControl,
    EnergyVAD,
    GoertzelDTMFDetector,
    LinearResampler,
    NLMSEchoCanceller,
    SincResampler,
    SpectralSubtractionDenoiser,
)
from roomkit_audio.dsp import signals as sig

RATE = 16000
PHONE_RATE = 8000
FRAME_MS = 20
BUDGET_US = 500.0


def call_audio(seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """(what the phone line delivers at 8 kHz, the agent's voice played at 16 kHz).

    The line carries the caller (speech-like bursts, DTMF keys, pink noise) and the echo of
    the agent's voice: resampled to 8 kHz and passed through a 20 ms delay and a decaying
    30 ms tail, as a handset or a hybrid would return it.
    """
    parts: list[np.ndarray] = []
    total = 0.0
    index = 0
    while total < seconds:
        parts.append(sig.speech_like(1.2, PHONE_RATE, level_dbfs=-22, seed=index))
        parts.append(sig.silence(0.4, PHONE_RATE))
        parts.append(sig.dtmf_pair("0123456789*#ABCD"[index % 16], 0.08, PHONE_RATE))
        parts.append(sig.silence(0.4, PHONE_RATE))
        total += 2.08
        index += 1
    caller = np.concatenate(parts)[: round(seconds * PHONE_RATE)].astype(np.float64)
    caller += sig.pink_noise(caller.size / PHONE_RATE, PHONE_RATE, level_dbfs=-50, seed=99)
    agent = sig.speech_like(seconds, RATE, level_dbfs=-20, seed=7)
    played = SincResampler(RATE, PHONE_RATE).process(agent).astype(np.float64)
    path = np.zeros(400)
    path[160:] = np.random.default_rng(3).standard_normal(240) * np.exp(-np.arange(240) / 40.0)
    path *= 0.3 / np.sqrt(np.sum(path * path))
    echo = np.convolve(played, path)[: caller.size]
    line = np.clip(np.rint(caller[: echo.size] + echo), -32768, 32767).astype(np.int16)
    return line, agent


def frames(samples: np.ndarray, rate: int) -> list[np.ndarray]:
    size = rate * FRAME_MS // 1000
    return [samples[i : i + size] for i in range(0, samples.size - size + 1, size)]


def timed(run: Callable[[], object], count: int, repeat: int) -> dict[str, float]:
    """Microseconds per frame over ``repeat`` runs of ``run`` (``count`` frames each): the
    median CPU time of this thread (what a frame costs, even while other processes share the
    cores) and the median and best wall-clock times."""
    run()  # warm: plans, caches
    cpu, wall = [], []
    for _ in range(repeat):
        cpu_started, wall_started = time.thread_time(), time.perf_counter()
        run()
        wall.append((time.perf_counter() - wall_started) * 1e6 / count)
        cpu.append((time.thread_time() - cpu_started) * 1e6 / count)
    return {
        "cpu_us": statistics.median(cpu),
        "wall_us": statistics.median(wall),
        "best_wall_us": min(wall),
    }


def measure(seconds: float, repeat: int) -> dict[str, Any]:
    line, agent = call_audio(seconds)
    phone_frames = frames(line, PHONE_RATE)
    mic_frames = frames(SincResampler(PHONE_RATE, RATE).process(line), RATE)
    agent_frames = frames(agent, RATE)
    count = min(len(mic_frames), len(agent_frames), len(phone_frames))

    def over(stage: Callable[[np.ndarray], object], source: list[np.ndarray]) -> Callable[[], None]:
        def run() -> None:
            for frame in source[:count]:
                stage(frame)

        return run

    def fresh_aec() -> Callable[[], None]:
        def run() -> None:
            aec = NLMSEchoCanceller(RATE)
            for reference, frame in zip(agent_frames[:count], mic_frames[:count], strict=True):
                aec.feed_reference(reference)
                aec.process(frame)

        return run

    stages = {
        "resample 8k->16k (sinc, 32 taps)": over(
            SincResampler(PHONE_RATE, RATE).process, phone_frames
        ),
        "resample 8k->16k (linear)": over(LinearResampler(PHONE_RATE, RATE).process, phone_frames),
        "AEC (NLMS, 64 ms filter)": fresh_aec(),
        "AGC": over(AutomaticGainControl(RATE).process, mic_frames),
        "denoise (spectral subtraction)": over(
            SpectralSubtractionDenoiser(RATE).process, mic_frames
        ),
        "VAD (energy)": over(EnergyVAD(RATE).process, mic_frames),
        "DTMF (Goertzel)": over(GoertzelDTMFDetector(RATE).process, mic_frames),
    }
    results = {name: timed(run, count, repeat) for name, run in stages.items()}

    def chain() -> None:
        resampler = SincResampler(PHONE_RATE, RATE)
        aec = NLMSEchoCanceller(RATE)
        agc = AutomaticGainControl(RATE)
        denoiser = SpectralSubtractionDenoiser(RATE)
        vad = EnergyVAD(RATE)
        dtmf = GoertzelDTMFDetector(RATE)
        for phone, played in zip(phone_frames[:count], agent_frames[:count], strict=True):
            frame = resampler.process(phone)
            dtmf.process(frame)
            aec.feed_reference(played)
            vad.process(denoiser.process(agc.process(aec.process(frame))))

    chain_us = timed(chain, count, repeat)
    frame_us = FRAME_MS * 1000.0
    return {
        "frames": count,
        "frame_ms": FRAME_MS,
        "sample_rate": RATE,
        "load_average_1min": os.getloadavg()[0],
        "stages_us_per_frame": results,
        "chain_us_per_frame": chain_us,
        "chain_real_time_factor": frame_us / chain_us["cpu_us"],
        "budget_us_per_frame": BUDGET_US,
        "within_budget": chain_us["cpu_us"] <= BUDGET_US,
    }


def render(data: dict[str, Any]) -> str:
    frame_us = data["frame_ms"] * 1000.0
    lines = [
        "| stage (16 kHz, 20 ms frames) | CPU µs/frame | wall µs/frame (median, best) "
        "| real-time factor (CPU) |",
        "|---|---:|---:|---:|",
    ]
    rows = [*data["stages_us_per_frame"].items()]
    rows.append(("**full inbound chain** (sinc 8k->16k, AEC, AGC, denoise, VAD, DTMF)",
                 data["chain_us_per_frame"]))  # fmt: skip
    for name, us in rows:
        lines.append(
            f"| {name} | {us['cpu_us']:,.1f} | {us['wall_us']:,.1f}, {us['best_wall_us']:,.1f} "
            f"| {frame_us / us['cpu_us']:,.0f} |"
        )
    verdict = "within" if data["within_budget"] else "OVER"
    lines.append(
        f"\nBudget {data['budget_us_per_frame']:.0f} µs of CPU per frame: {verdict}. "
        f"One core has room for the full chain of about "
        f"{int(data['chain_real_time_factor'])} calls at once (DSP only, before the "
        f"framework's own per-frame work). "
        f"Load average during the run: {data['load_average_1min']:.1f} on 2 cores."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audio_dsp")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the call")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    data = measure(args.seconds, args.repeat)
    table = render(data)
    print(table)
    if not args.no_save:
        out = Path(__file__).resolve().parent / "results"
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (out / "audio_dsp.md").write_text(
            f"Measured {stamp}, median of {args.repeat} runs, 2-core machine.\n\n" + table
        )
        (out / "audio_dsp.json").write_text(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
