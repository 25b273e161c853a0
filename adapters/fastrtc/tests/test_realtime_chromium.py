"""FastRTCRealtimeTransport with a real browser: headless Chromium (Debian's, driven by Selenium)
opens a page that sends its microphone (Chromium's fake device: a beep) over WebRTC to the
transport, which relays it to the OpenAI Realtime fake; the answer is played back to the
browser, which measures what it hears, and the transcripts arrive on its data channel.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp import web
from roomkit_openai import OpenAIRealtimeProvider

from roomkit import ChannelCategory, RoomKit
from roomkit.channels.realtime_voice import RealtimeVoiceChannel
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake
from roomkit_fastrtc import FastRTCRealtimeTransport

PAGE = """<!doctype html><html><body><script>
window.messages = [];
window.state = "new";
async function start() {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  const events = pc.createDataChannel("events");
  events.onmessage = (e) => window.messages.push(JSON.parse(e.data));
  pc.onconnectionstatechange = () => { window.state = pc.connectionState; };
  pc.ontrack = (e) => listen(new MediaStream([e.track]));
  const mic = await navigator.mediaDevices.getUserMedia({audio: true});
  mic.getTracks().forEach((t) => pc.addTrack(t, mic));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === "complete") return done();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && done();
  });
  const reply = await fetch("/offer", {method: "POST", body: pc.localDescription.sdp});
  await pc.setRemoteDescription({type: "answer", sdp: await reply.text()});
}
window.peak = 0;
function listen(stream) {  // the loudest sample heard so far, through WebAudio
  const player = new Audio();
  player.muted = true;
  player.srcObject = stream;
  player.play();
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    for (const v of samples) window.peak = Math.max(window.peak, Math.abs(v));
  }, 20);
}
start().catch((e) => { window.state = "error: " + e; });
</script></body></html>"""


def _browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    reason = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def chromium() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--use-fake-device-for-media-stream",  # a beeping microphone
        "--use-fake-ui-for-media-stream",  # microphone permission granted
        "--autoplay-policy=no-user-gesture-required",
    ):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield chrome
    finally:
        chrome.quit()


async def eventually(check: Callable[[], Any], what: str, wait: float = 40.0) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while not (value := await asyncio.to_thread(check)):
        if loop.time() > deadline:
            raise AssertionError(f"not seen within {wait} s: {what}")
        await asyncio.sleep(0.2)
    return value


async def test_chromium_calls_the_model_over_webrtc(
    chromium: Any, openai_realtime_fake: OpenAIRealtimeFake
) -> None:
    fake = openai_realtime_fake
    fake.vad_level = 300  # the fake microphone beeps; the gaps between beeps are silence
    fake.barge_in_ms = 10_000  # the beeps go on while the model answers
    fake.on_speech(user="Beep?", reply="I hear a beep.", reply_ms=3000)
    kit = RoomKit()
    transport = FastRTCRealtimeTransport()
    provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)
    kit.register_channel(RealtimeVoiceChannel("web-voice", provider=provider, transport=transport))
    await kit.create_room(room_id="web")
    await kit.attach_channel("web", "web-voice", category=ChannelCategory.INTELLIGENCE)
    ended: list[Any] = []

    @kit.on("voice_session_ended")
    async def on_end(event: Any) -> None:
        ended.append(event)

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def offer(request: web.Request) -> web.Response:
        session = await kit.join("web", "web-voice", participant_id="chromium")
        return web.Response(text=await transport.answer(session, await request.text()))

    app = web.Application()
    app.add_routes([web.get("/", page), web.post("/offer", offer)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        await asyncio.to_thread(chromium.get, f"http://127.0.0.1:{port}/")

        def settled() -> str:
            state = str(chromium.execute_script("return window.state"))
            return state if state == "connected" or state.startswith("error") else ""

        state = await eventually(settled, "the browser's peer connection")
        assert state == "connected", state
        # the beeps crossed WebRTC and reached the model as audio
        await eventually(lambda: fake.turns == [], "the model hearing the caller")
        messages = await eventually(
            lambda: len(m := chromium.execute_script("return window.messages")) >= 2 and m,
            "the transcripts on the data channel",
        )
        assert [(m["role"], m["text"]) for m in messages[:2]] == [
            ("user", "Beep?"),
            ("assistant", "I hear a beep."),
        ]
        # the browser hears the model's answer
        await eventually(
            lambda: chromium.execute_script("return window.peak") > 0.03,
            "the answer's audio in the browser",
        )
        timeline = await kit.get_timeline("web")
        assert [e.content.body for e in timeline] == ["Beep?", "I hear a beep."]  # type: ignore[union-attr]
        # the tab goes away mid-call: the session ends, the model connection closes
        await asyncio.to_thread(chromium.get, "about:blank")
        await eventually(lambda: len(ended) == 1, "the session ending")
        assert ended[0].data["reason"] == "lost"
        await eventually(lambda: not fake.open_connections, "the model connection closing")
    finally:
        await runner.cleanup()
        await kit.close()
