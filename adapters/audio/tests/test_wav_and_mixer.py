"""WAV recording read back with the standard ``wave`` module, and saturating mixing."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from roomkit_audio.dsp import AudioMixer, MixedCallWriter, StereoCallWriter, WavWriter, mix
from roomkit_audio.dsp import signals as sig


def read(path: Path) -> tuple[wave._wave_params, np.ndarray]:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        data = np.frombuffer(wav.readframes(params.nframes), dtype="<i2")
    return params, data


@pytest.mark.parametrize("rate", [8000, 16000, 24000, 48000])
def test_a_mono_recording_has_the_right_rate_length_and_samples(tmp_path: Path, rate: int) -> None:
    audio = sig.speech_like(1.3, rate, level_dbfs=-20)
    path = tmp_path / "in.wav"
    with WavWriter(path, rate) as writer:
        for i in range(0, audio.size, rate // 50):
            writer.write(audio[i : i + rate // 50])
        assert writer.duration_s == pytest.approx(1.3)
    params, data = read(path)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, rate)
    assert params.nframes == audio.size
    assert np.array_equal(data, audio)


def test_stereo_takes_pairs_or_interleaved_samples(tmp_path: Path) -> None:
    left, right = sig.sine(440, 0.5, 16000), sig.sine(660, 0.5, 16000)
    path = tmp_path / "stereo.wav"
    with WavWriter(path, 16000, channels=2) as writer:
        writer.write(np.stack([left[:4000], right[:4000]], axis=1))
        writer.write(np.stack([left[4000:], right[4000:]], axis=1).reshape(-1))
    params, data = read(path)
    assert (params.nchannels, params.framerate, params.nframes) == (2, 16000, 8000)
    assert np.array_equal(data[0::2], left) and np.array_equal(data[1::2], right)


def test_the_call_recorder_lays_bursty_outbound_audio_on_the_inbound_clock(tmp_path: Path) -> None:
    rate = 8000
    caller = sig.speech_like(2.0, rate, level_dbfs=-20, seed=1)
    agent = sig.speech_like(0.5, rate, level_dbfs=-20, seed=2, f0=200)
    path = tmp_path / "call.wav"
    recorder = StereoCallWriter(path, rate)
    for index, i in enumerate(range(0, caller.size, 160)):
        if index == 25:  # at 0.5 s the whole reply arrives at once, faster than real time
            recorder.write_outbound(agent)
        recorder.write_inbound(caller[i : i + 160])
    recorder.close()
    recorder.close()  # closing twice is harmless
    params, data = read(path)
    assert (params.nchannels, params.framerate, params.nframes) == (2, rate, caller.size)
    left, right = data[0::2], data[1::2]
    assert np.array_equal(left, caller)
    assert not np.any(right[:4000])
    assert np.array_equal(right[4000:8000], agent)
    assert not np.any(right[8000:])


def test_closing_flushes_outbound_audio_still_queued(tmp_path: Path) -> None:
    path = tmp_path / "tail.wav"
    with StereoCallWriter(path, 16000) as recorder:
        recorder.write_inbound(np.full(100, 7, dtype=np.int16))
        recorder.write_outbound(np.full(300, 9, dtype=np.int16))  # after those 100 samples
        recorder.write_inbound(np.full(50, 5, dtype=np.int16))
    params, data = read(path)
    assert params.nframes == 400
    assert data[0::2].tolist() == [7] * 100 + [5] * 50 + [0] * 250
    assert data[1::2].tolist() == [0] * 100 + [9] * 300


def test_the_mixed_recorder_writes_both_sides_on_one_track(tmp_path: Path) -> None:
    path = tmp_path / "mixed.wav"
    with MixedCallWriter(path, 8000) as recorder:
        recorder.write_outbound(np.full(150, 30000, dtype=np.int16))
        recorder.write_inbound(np.full(100, 1000, dtype=np.int16))
        recorder.write_inbound(np.full(100, -7, dtype=np.int16))
        recorder.write_outbound(np.full(20, 5, dtype=np.int16))
    params, data = read(path)
    assert (params.nchannels, params.framerate, params.nframes) == (1, 8000, 220)
    assert data.tolist() == [31000] * 100 + [29993] * 50 + [-7] * 50 + [5] * 20
    with MixedCallWriter(tmp_path / "loud.wav", 8000) as recorder:
        recorder.write_outbound(np.full(10, 30000, dtype=np.int16))
        recorder.write_inbound(np.full(10, 30000, dtype=np.int16))
    assert read(tmp_path / "loud.wav")[1].tolist() == [32767] * 10


def test_bad_recorder_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="channels must be 1 or 2"):
        WavWriter(tmp_path / "x.wav", 16000, channels=3)
    with pytest.raises(ValueError, match="unsupported sample_rate 12345 Hz"):
        WavWriter(tmp_path / "y.wav", 12345)
    with WavWriter(tmp_path / "z.wav", 16000, channels=2) as writer:
        with pytest.raises(ValueError, match="even number of samples, got 3"):
            writer.write(np.zeros(3, dtype=np.int16))
        with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
            writer.write(np.zeros((4, 3), dtype=np.int16))
    with pytest.raises(ValueError, match="is closed"):
        writer.write(np.zeros(2, dtype=np.int16))
    with pytest.raises(ValueError, match="dtype int16"):
        StereoCallWriter(tmp_path / "w.wav", 8000).write_outbound(np.zeros(4, dtype=np.float32))


def test_mix_saturates_instead_of_wrapping() -> None:
    loud = np.array([30000, -30000, 20000, 32767], dtype=np.int16)
    mixed = mix([loud, loud])
    assert mixed.tolist() == [32767, -32768, 32767, 32767]
    # the naive int16 sum wraps around to the opposite sign
    assert (loud + loud).tolist()[0] < 0


def test_mix_pads_shorter_streams_and_handles_none() -> None:
    a = np.array([1, 2, 3, 4], dtype=np.int16)
    b = np.array([10, 20], dtype=np.int16)
    assert mix([a, b]).tolist() == [11, 22, 3, 4]
    assert mix([]).size == 0
    with pytest.raises(ValueError, match=r"streams\[1\] must have dtype int16"):
        mix([a, b.astype(np.float64)])


def test_each_party_hears_everyone_but_itself() -> None:
    mixer = AudioMixer()
    for party in ("alice", "bob", "carol"):
        mixer.add_party(party)
    mixer.write("alice", np.full(160, 100, dtype=np.int16))
    mixer.write("bob", np.full(80, 20, dtype=np.int16))  # bob sent only half a frame
    mixer.write("carol", np.full(160, 3, dtype=np.int16))
    heard = mixer.read(160)
    assert heard["alice"].tolist() == [23] * 80 + [3] * 80
    assert heard["bob"].tolist() == [103] * 160
    assert heard["carol"].tolist() == [120] * 80 + [100] * 80
    assert mixer.queued("alice") == 0
    # a late joiner, a leaver, and saturation in the per-party mix
    mixer.remove_party("carol")
    mixer.add_party("dave")
    mixer.write("alice", np.full(10, 30000, dtype=np.int16))
    mixer.write("dave", np.full(10, 30000, dtype=np.int16))
    heard = mixer.read(10)
    assert heard["bob"].tolist() == [32767] * 10
    assert heard["alice"].tolist() == [30000] * 10
    assert sorted(map(str, mixer.parties)) == ["alice", "bob", "dave"]


def test_mixer_queues_keep_order_across_reads_and_refuse_strangers() -> None:
    mixer = AudioMixer()
    mixer.add_party(1)
    mixer.add_party(2)
    mixer.write(1, np.arange(10, dtype=np.int16))
    mixer.write(1, np.arange(10, 20, dtype=np.int16))
    assert mixer.read(7)[2].tolist() == list(range(7))
    assert mixer.read(7)[2].tolist() == list(range(7, 14))
    assert mixer.queued(1) == 6
    with pytest.raises(ValueError, match="party 3 is not in the mix"):
        mixer.write(3, np.zeros(1, dtype=np.int16))
    with pytest.raises(ValueError, match="party 1 is already in the mix"):
        mixer.add_party(1)
