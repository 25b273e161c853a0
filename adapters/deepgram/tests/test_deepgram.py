"""DeepgramSTTProvider on the real deepgram-sdk against the Deepgram fake on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import AsyncIterator, Iterable

import pytest

from roomkit.domain.voice import AudioFrame, TranscriptionResult
from roomkit_contracts import STTProviderContract, STTScenario, signals
from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
from roomkit_deepgram.errors import DeepgramError
from roomkit_fakes.deepgram import DeepgramFake

KEY = "dg-test-key"


def config(fake: DeepgramFake, **overrides: object) -> DeepgramConfig:
    values: dict[str, object] = {
        "api_key": KEY,
        "base_url": fake.base_url,
        "ws_base_url": fake.ws_base_url,
        "max_retries": 0,
        "timeout": 10.0,
        "reconnect_base_delay": 0.01,
    }
    values.update(overrides)
    return DeepgramConfig.model_validate(values)


def speech(frames: int = 30, seed: int = 7) -> bytes:
    return signals.pcm(signals.voiced(frames, seed=seed))


def quiet(frames: int) -> bytes:
    return signals.pcm(signals.silence(frames))


def frames_of(pcm: bytes) -> list[AudioFrame]:
    return [AudioFrame(pcm[i : i + 640], 16000) for i in range(0, len(pcm), 640)]


async def stream(chunks: Iterable[bytes | float]) -> AsyncIterator[AudioFrame]:
    """Frames of each bytes item; a float is a pause (seconds) with no frames at all."""
    for item in chunks:
        if isinstance(item, float):
            await asyncio.sleep(item)
            continue
        for frame in frames_of(item):
            yield frame


async def collect(
    stt: DeepgramSTTProvider, chunks: Iterable[bytes | float]
) -> list[TranscriptionResult]:
    return [r async for r in stt.transcribe_stream(stream(chunks))]


def events(results: list[TranscriptionResult], kind: str) -> list[str]:
    return [r.text for r in results if r.metadata.get("event") == kind]


class TestDeepgramContract(STTProviderContract):
    @pytest.fixture
    async def stt_scenario(self, deepgram_fake: DeepgramFake) -> AsyncIterator[STTScenario]:
        audio = speech(25)
        deepgram_fake.learn(audio, "Hello, world.")
        deepgram_fake.say("Hello, world.")  # the same words live
        stt = DeepgramSTTProvider(config(deepgram_fake))
        yield STTScenario(stt, AudioFrame(audio, 16000), "hello world")
        await stt.close()


async def test_prerecorded_request_is_what_deepgram_expects(deepgram_fake: DeepgramFake) -> None:
    audio = speech(20)
    deepgram_fake.learn(audio, "Book a table for two.")
    stt = DeepgramSTTProvider(config(deepgram_fake, model="nova-3", language="fr"))
    result = await stt.transcribe(AudioFrame(audio, 16000))
    await stt.close()
    assert result.text == "Book a table for two."
    assert result.is_final and result.confidence == pytest.approx(0.97)
    request = deepgram_fake.last
    assert (request.method, request.path) == ("POST", "/v1/listen")
    assert request.headers["authorization"] == f"Token {KEY}"
    assert request.query["model"] == "nova-3" and request.query["language"] == "fr"
    assert deepgram_fake.uploads == [(audio, 16000)]


async def test_8khz_audio_is_uploaded_with_its_own_rate(deepgram_fake: DeepgramFake) -> None:
    stt = DeepgramSTTProvider(config(deepgram_fake))
    audio = speech(10)
    await stt.transcribe(AudioFrame(audio, 8000))
    await stt.close()
    assert deepgram_fake.uploads == [(audio, 8000)]


@pytest.mark.parametrize(
    ("status", "words"), [(401, "API key was refused"), (429, "rate limited"), (503, "failed")]
)
async def test_vendor_errors_are_named(
    deepgram_fake: DeepgramFake, status: int, words: str
) -> None:
    deepgram_fake.fail_next_upload(status)
    if status == 401:
        stt = DeepgramSTTProvider(config(deepgram_fake, api_key="wrong"))
    else:
        stt = DeepgramSTTProvider(config(deepgram_fake))
    with pytest.raises(DeepgramError, match=words) as caught:
        await stt.transcribe(AudioFrame(speech(5), 16000))
    await stt.close()
    assert caught.value.status == status


async def test_wide_samples_are_refused_before_sending(deepgram_fake: DeepgramFake) -> None:
    stt = DeepgramSTTProvider(config(deepgram_fake))
    with pytest.raises(ValueError, match="16-bit"):
        await stt.transcribe(AudioFrame(b"\x00" * 12, 16000, sample_width=4))
    await stt.close()
    assert deepgram_fake.requests == []


async def test_live_stream_gives_interim_final_and_utterance_results(
    deepgram_fake: DeepgramFake,
) -> None:
    deepgram_fake.say("what time do you open", "and on sundays")
    stt = DeepgramSTTProvider(config(deepgram_fake, endpointing_ms=200))
    first, second = speech(40, seed=1), speech(25, seed=2)
    results = await collect(stt, [quiet(5), first, quiet(15), second, quiet(15)])
    await stt.close()
    assert events(results, "utterance") == ["what time do you open", "and on sundays"]
    assert events(results, "interim")
    assert all(not r.is_final for r in results if r.metadata["event"] == "interim")
    assert "speech_started" in {r.metadata["event"] for r in results}
    [conn] = deepgram_fake.live
    assert conn.headers["authorization"] == f"Token {KEY}"
    assert conn.query["encoding"] == "linear16" and conn.query["sample_rate"] == "16000"
    assert conn.query["interim_results"] == "true" and conn.query["endpointing"] == "200"
    assert bytes(conn.audio) == quiet(5) + first + quiet(15) + second + quiet(15)
    assert conn.controls[-2:] == ["Finalize", "CloseStream"] and conn.closed_by_client


async def test_words_still_open_at_the_end_are_flushed_by_finalize(
    deepgram_fake: DeepgramFake,
) -> None:
    deepgram_fake.say("cut off mid sentence")
    stt = DeepgramSTTProvider(config(deepgram_fake))
    results = await collect(stt, [speech(30)])  # no trailing silence: the caller hung up
    await stt.close()
    assert events(results, "utterance") == ["cut off mid sentence"]
    flushed = [m for m in deepgram_fake.live[0].sent if m.get("from_finalize")]
    assert [m["channel"]["alternatives"][0]["transcript"] for m in flushed] == [
        "cut off mid sentence"
    ]


async def test_keepalive_is_sent_while_no_audio_comes(deepgram_fake: DeepgramFake) -> None:
    deepgram_fake.say("still there")
    stt = DeepgramSTTProvider(config(deepgram_fake, keepalive_interval=0.05))
    results = await collect(stt, [quiet(2), 0.4, speech(20), quiet(20)])
    await stt.close()
    assert events(results, "utterance") == ["still there"]
    assert deepgram_fake.live[0].controls.count("KeepAlive") >= 2


async def test_a_dropped_stream_reconnects_without_losing_the_utterance(
    deepgram_fake: DeepgramFake,
) -> None:
    deepgram_fake.say("please transfer me to billing")
    utterance = speech(40)
    lead = quiet(10)
    deepgram_fake.drop_live_after(len(lead) + len(utterance) // 2)  # mid-utterance
    stt = DeepgramSTTProvider(config(deepgram_fake))
    results = await collect(stt, [lead, utterance, quiet(20)])
    await stt.close()
    assert events(results, "utterance") == ["please transfer me to billing"]
    first, second = deepgram_fake.live
    assert first.dropped and second.closed_by_client
    half = utterance[: len(utterance) // 2]
    assert bytes(second.audio).find(half[:640]) != -1  # the unsettled audio was sent again


async def test_a_stream_that_cannot_be_reopened_is_reported(deepgram_fake: DeepgramFake) -> None:
    deepgram_fake.drop_live_after(len(quiet(5)))
    for _ in range(3):
        deepgram_fake.reject_next_live(503)
    stt = DeepgramSTTProvider(config(deepgram_fake, reconnect_attempts=2))
    with pytest.raises(DeepgramError, match="could not be reopened after 2 attempts"):
        await collect(stt, [quiet(10), speech(10), quiet(20)])
    await stt.close()


async def test_a_refused_key_on_the_live_stream_fails_at_once(deepgram_fake: DeepgramFake) -> None:
    stt = DeepgramSTTProvider(config(deepgram_fake, api_key="nope"))
    with pytest.raises(DeepgramError, match="401"):
        await collect(stt, [speech(5)])
    await stt.close()
    assert deepgram_fake.live == []


async def test_frames_at_another_rate_are_refused(deepgram_fake: DeepgramFake) -> None:
    stt = DeepgramSTTProvider(config(deepgram_fake))

    async def wrong() -> AsyncIterator[AudioFrame]:
        yield AudioFrame(speech(1)[:320], 8000)

    with pytest.raises(ValueError, match="8000 Hz"):
        _ = [r async for r in stt.transcribe_stream(wrong())]
    await stt.close()


def test_wav_upload_helper_keeps_the_pcm() -> None:
    from roomkit_deepgram.provider import wav_bytes

    audio = speech(3)
    with wave.open(io.BytesIO(wav_bytes(AudioFrame(audio, 16000)))) as wav:
        assert wav.getframerate() == 16000 and wav.readframes(wav.getnframes()) == audio
