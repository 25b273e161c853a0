"""The scenarios. Only the public SPEC API is used, so the same code runs on this roomkit and on the
published package. Each scenario checks its own deliveries and stored events and raises
``CheckFailed`` if anything is wrong: figures from a run that did the wrong thing mean nothing.

Two differences of the published 0.109.0 are bridged here (found from its behaviour, not its
source): ``WebSocketChannel.register_connection`` takes a required ``room_id`` keyword there, and
it neither delivers a message back to the channel it came in on nor stores only messages (it adds
``channel_attached`` system events). So messages enter on a channel ``in`` without connections and
deliveries are counted on separate receiving channels, and the stored-events checks count the
messages and require gap-free indexes over everything the room holds.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.measure import Measurement, Recorder, percentile, summarize
from roomkit import (
    ChannelCategory,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomKit,
    TextContent,
    WebSocketChannel,
)

SENDER = "in"
TIMELINE_EVENTS = 50_000
PAGE = 50


class CheckFailed(AssertionError):
    """A scenario's own correctness check failed: its figures mean nothing."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def inbound(body: str, channel_id: str = SENDER) -> InboundMessage:
    return InboundMessage(
        channel_id=channel_id, sender_id="bench-user", content=TextContent(body=body)
    )


class Receiver:
    """A WebSocket connection's send function that records what it was sent."""

    def __init__(self) -> None:
        # A list, not a set: appending costs the same at any size, while a growing set's
        # rehashes would show up in the last 10% of a run as if the kit had slowed down.
        self.ids: list[str] = []
        self.by_source: collections.Counter[str] = collections.Counter()
        self.tagged = 0

    @property
    def count(self) -> int:
        return len(self.ids)

    async def __call__(self, _conn: str, event: Any) -> None:
        self.ids.append(event.id)
        self.by_source[event.source.channel_id] += 1
        if event.metadata.get("tagged") is True:
            self.tagged += 1

    def check_once(self, expected: int, what: str = "messages") -> None:
        check(self.count == expected, f"delivered {self.count} of {expected} {what}")
        duplicates = self.count - len(set(self.ids))
        check(duplicates == 0, f"{duplicates} duplicate deliveries")


def connect(ws: WebSocketChannel, conn_id: str, fn: Receiver, room_id: str) -> None:
    """The SPEC's ``register_connection(conn_id, fn)``; 0.109.0 wants ``room_id=`` as well."""
    try:
        ws.register_connection(conn_id, fn)
    except TypeError:
        ws.register_connection(conn_id, fn, room_id=room_id)  # type: ignore[call-arg]


async def ws_room(kit: RoomKit, room_id: str, receivers: int) -> list[Receiver]:
    """A room with the sending channel ``in`` and ``receivers`` receiving WebSocket channels."""
    await kit.create_room(room_id=room_id)
    kit.register_channel(WebSocketChannel(SENDER))
    await kit.attach_channel(room_id, SENDER)
    out = []
    for i in range(receivers):
        ws = WebSocketChannel(f"ws-{i}")
        receiver = Receiver()
        connect(ws, f"conn-{i}", receiver, room_id)
        kit.register_channel(ws)
        await kit.attach_channel(room_id, f"ws-{i}")
        out.append(receiver)
    return out


async def all_events(kit: RoomKit, room_id: str) -> list[Any]:
    events: list[Any] = []
    while True:
        page = await kit.store.list_events(room_id, offset=len(events), limit=10_000)
        events.extend(page)
        if len(page) < 10_000:
            return events


async def check_stored(kit: RoomKit, room_id: str, expected: dict[str, int]) -> dict[str, int]:
    """The room stores exactly ``expected`` messages per source channel, plus nothing but
    ``system`` events, with gap-free indexes 0..len-1. Returns the counts by source."""
    events = await all_events(kit, room_id)
    by_source = collections.Counter(e.source.channel_id for e in events)
    for source, n in expected.items():
        check(
            by_source[source] == n, f"{room_id}: stored {by_source[source]} from {source}, not {n}"
        )
    others = set(by_source) - set(expected) - {"system"}
    check(not others, f"{room_id}: unexpected stored events from {sorted(others)}")
    indexes = [e.index for e in events]
    check(indexes == list(range(len(events))), f"{room_id}: indexes are not 0..{len(events) - 1}")
    return dict(by_source)


async def drain(predicate: Callable[[], bool], seconds: float = 30.0) -> None:
    """Wait for background work (async hooks) to catch up; the caller checks the outcome."""
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:  # noqa: ASYNC110 - a kit we don't own
        await asyncio.sleep(0)


async def send_all(rec: Recorder, n: int, op: Callable[[int], Awaitable[Any]]) -> None:
    """``n`` operations one after the other, each timed. Between two of them the sender yields
    to the event loop once (untimed, but inside the run's wall time), as a server does between
    two messages off the network: background work (async hooks) gets its turn, and the loop gets
    to drop the cancelled timers of finished ``asyncio.timeout`` blocks, which would otherwise
    pile up for the whole run when an operation never has to wait."""
    for i in range(n):
        await rec.timed(op(i))
        await asyncio.sleep(0)


async def sequential(n: int, op: Callable[[int], Awaitable[Any]]) -> Recorder:
    rec = Recorder()
    async with rec:
        await send_all(rec, n, op)
    return rec


# 1 -------------------------------------------------------------------------------------------
async def single_channel(n: int) -> Measurement:
    """One receiving WebSocket channel; ``n`` messages through ``process_inbound``."""
    kit = RoomKit()
    [receiver] = await ws_room(kit, "bench", 1)
    rec = await sequential(n, lambda i: kit.process_inbound(inbound(f"m{i}")))
    receiver.check_once(n)
    stored = await check_stored(kit, "bench", {SENDER: n})
    rec.m.extra["stored_events"] = sum(stored.values())
    return rec.m


# 2 -------------------------------------------------------------------------------------------
async def fan_out_10(n: int, receivers: int = 10) -> Measurement:
    """Ten receiving WebSocket channels in the room; each message reaches all of them."""
    kit = RoomKit()
    rs = await ws_room(kit, "bench", receivers)
    rec = await sequential(n, lambda i: kit.process_inbound(inbound(f"m{i}")))
    for r in rs:
        r.check_once(n)
    check(all(set(r.ids) == set(rs[0].ids) for r in rs), "receivers got different events")
    await check_stored(kit, "bench", {SENDER: n})
    return rec.m


# 3 -------------------------------------------------------------------------------------------
async def hooks_3sync_1async(n: int) -> Measurement:
    """Single channel plus three sync BEFORE_BROADCAST hooks (allow, modify, allow-or-block) and
    one async AFTER_BROADCAST hook; the run ends when the async hook has seen every message."""
    kit = RoomKit()
    [receiver] = await ws_room(kit, "bench", 1)
    seen = {"allow": 0, "tag": 0, "inspect": 0, "after": 0}

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="allow", priority=0)
    async def allow(event: Any, ctx: Any) -> HookResult:
        seen["allow"] += 1
        return HookResult.allow()

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="tag", priority=1)
    async def tag(event: Any, ctx: Any) -> HookResult:
        seen["tag"] += 1
        return HookResult.modify(
            event.model_copy(update={"metadata": {**event.metadata, "tagged": True}})
        )

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="inspect", priority=2)
    async def inspect(event: Any, ctx: Any) -> HookResult:
        seen["inspect"] += 1
        if event.metadata.get("tagged") is not True:  # runs after "tag": must see its change
            return HookResult.block("not tagged")
        return HookResult.allow()

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC, name="after")
    async def after(event: Any, ctx: Any) -> None:
        seen["after"] += 1

    rec = Recorder()
    async with rec:
        await send_all(rec, n, lambda i: kit.process_inbound(inbound(f"m{i}")))
        await drain(lambda: seen["after"] >= n)
    for name in ("allow", "tag", "inspect", "after"):
        check(seen[name] == n, f"hook {name} ran {seen[name]} times, expected {n}")
    receiver.check_once(n)
    check(receiver.tagged == n, f"{receiver.tagged} of {n} deliveries carry the modification")
    await check_stored(kit, "bench", {SENDER: n})
    events = await all_events(kit, "bench")
    tagged = sum(1 for e in events if e.metadata.get("tagged") is True)
    check(tagged == n, f"{tagged} of {n} stored messages carry the modification")
    return rec.m


# 4 -------------------------------------------------------------------------------------------
async def rooms_1000_concurrent(n: int, rooms: int = 1000, concurrency: int = 100) -> Measurement:
    """``n`` messages spread round-robin over ``rooms`` rooms by ``concurrency`` senders run with
    ``asyncio.gather``; each sender yields to the others between its messages, so up to
    ``concurrency`` messages are in flight. (A fixed pool of senders rather than ``n`` tasks behind
    a semaphore: creating thousands of waiting tasks up front would slow the first 10% of the run
    for reasons that have nothing to do with the kit.)"""
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    receiver = Receiver()
    kit.register_channel(ws)
    kit.register_channel(WebSocketChannel(SENDER))
    try:  # the SPEC: one connection serves the channel in every room
        ws.register_connection("conn", receiver)
        per_room = False
    except TypeError:  # 0.109.0: a connection belongs to one room
        per_room = True
    for r in range(rooms):
        if per_room:
            ws.register_connection(f"conn-{r}", receiver, room_id=f"room-{r}")  # type: ignore[call-arg]
        await kit.create_room(room_id=f"room-{r}")
        await kit.attach_channel(f"room-{r}", "ws")
        await kit.attach_channel(f"room-{r}", SENDER)
    todo = iter(range(n))
    rec = Recorder()

    async def sender() -> None:
        for i in todo:
            await rec.timed(kit.process_inbound(inbound(f"m{i}"), room_id=f"room-{i % rooms}"))
            await asyncio.sleep(0)

    async with rec:
        await asyncio.gather(*(sender() for _ in range(concurrency)))
    receiver.check_once(n)
    for r in range(rooms):
        expected = n // rooms + (1 if r < n % rooms else 0)
        await check_stored(kit, f"room-{r}", {SENDER: expected})
    rec.m.extra.update(rooms=rooms, concurrency=concurrency)
    return rec.m


# 5 -------------------------------------------------------------------------------------------
async def ai_reentry(n: int) -> Measurement:
    """An AIChannel (MockAIProvider, INTELLIGENCE) answers each message; the reply re-enters the
    pipeline and reaches the WebSocket receiver. The run ends when every reply has arrived."""
    from roomkit.channels.ai import AIChannel
    from roomkit.providers.ai.mock import MockAIProvider

    kit = RoomKit()
    [receiver] = await ws_room(kit, "bench", 1)
    provider = MockAIProvider(responses=["ok"])
    kit.register_channel(AIChannel("ai", provider=provider))
    await kit.attach_channel("bench", "ai", category=ChannelCategory.INTELLIGENCE)
    rec = Recorder()
    async with rec:
        await send_all(rec, n, lambda i: kit.process_inbound(inbound(f"m{i}")))
        await drain(lambda: receiver.count >= 2 * n)
    receiver.check_once(2 * n, "messages and replies")
    check(receiver.by_source["ai"] == n, f"{receiver.by_source['ai']} of {n} AI replies delivered")
    check(len(provider.calls) == n, f"the provider was called {len(provider.calls)} times, not {n}")
    stored = await check_stored(kit, "bench", {SENDER: n, "ai": n})
    check(stored[SENDER] + stored["ai"] == 2 * n, "stored messages != 2n")
    return rec.m


async def swarm_routing(n: int, agents: int = 3) -> Measurement:
    """A Swarm of ``agents`` agents (MockAIProvider): each message is routed to the active agent
    only, whose reply re-enters and reaches the WebSocket receiver. Compare with ``ai_reentry``
    for the cost of orchestration (routing hook, routed broadcast, the other agents)."""
    from roomkit import Agent, Swarm
    from roomkit.providers.ai.mock import MockAIProvider

    providers = [MockAIProvider(responses=["ok"]) for _ in range(agents)]
    team = [Agent(f"agent-{i}", provider=p) for i, p in enumerate(providers)]
    kit = RoomKit(orchestration=Swarm(agents=team))
    [receiver] = await ws_room(kit, "bench", 1)
    rec = Recorder()
    async with rec:
        await send_all(rec, n, lambda i: kit.process_inbound(inbound(f"m{i}")))
        await drain(lambda: receiver.count >= 2 * n)
    receiver.check_once(2 * n, "messages and replies")
    check(receiver.by_source["agent-0"] == n, f"{receiver.by_source['agent-0']} of {n} replies")
    calls = [len(p.calls) for p in providers]
    check(calls == [n] + [0] * (agents - 1), f"provider calls per agent: {calls}")
    await check_stored(kit, "bench", {SENDER: n, "agent-0": n})
    return rec.m


# voice ---------------------------------------------------------------------------------------
async def voice_response(n: int) -> Measurement:
    """A voice call: per operation the caller says one utterance (3 frames of 20 ms, the mock VAD
    reports speech start and end), the mock STT transcribes it, it enters the room, an AIChannel
    (MockAIProvider) answers, the mock TTS speaks it and the reply's first audio reaches the
    MockVoiceBackend. The latency is from handing the speech_end frame to the backend until that
    first audio arrives: what the framework adds, since every provider is a mock. The next
    utterance starts once AFTER_TTS says the whole reply has been played. Each utterance is a
    new call in its own room (0.109.0 answers only the first utterance of a session with its
    mock VAD, and leaving a session cancels the room's pending deliveries); creating the room,
    joining and leaving are outside the timed span.

    Bridged for 0.109.0: its MockSTTProvider takes ``transcripts=``, its
    ``simulate_audio_received`` is a coroutine, and its ``send_audio`` may take an async iterator
    of chunks (timed at the first chunk)."""
    import inspect

    from roomkit import VoiceChannel
    from roomkit.channels.ai import AIChannel
    from roomkit.providers.ai.mock import MockAIProvider
    from roomkit.voice.audio_frame import AudioFrame
    from roomkit.voice.backends.mock import MockVoiceBackend
    from roomkit.voice.pipeline import (
        AudioPipelineConfig,
        MockVADProvider,
        VADEvent,
        VADEventType,
    )
    from roomkit.voice.stt.mock import MockSTTProvider
    from roomkit.voice.tts.mock import MockTTSProvider

    class TimedBackend(MockVoiceBackend):  # type: ignore[misc]
        waiting_since: int | None = None
        latencies: list[int] = []

        def _arrived(self) -> None:
            if self.waiting_since is not None:
                self.latencies.append(time.perf_counter_ns() - self.waiting_since)
                self.waiting_since = None

        async def _timed(self, chunks: Any) -> Any:
            async for chunk in chunks:
                self._arrived()
                yield chunk

        async def send_audio(self, session: Any, audio: Any, *args: Any, **kwargs: Any) -> Any:
            if hasattr(audio, "__aiter__"):
                audio = self._timed(audio)
            else:
                self._arrived()
            return await super().send_audio(session, audio, *args, **kwargs)

    async def hear(session: Any, frame: Any) -> None:
        result = backend.simulate_audio_received(session, frame)
        if inspect.isawaitable(result):
            await result

    start = VADEvent(type=VADEventType.SPEECH_START)
    end = VADEvent(type=VADEventType.SPEECH_END, audio_bytes=b"\x00\x00" * 960)
    vad = MockVADProvider(events=[start, None, end] * (n + 1))
    backend = TimedBackend()
    backend.latencies = []
    text = ["What time is it?"]
    try:
        stt = MockSTTProvider(transcriptions=text)
    except TypeError:
        stt = MockSTTProvider(transcripts=text)
    kit = RoomKit()
    kit.register_channel(
        VoiceChannel(
            "voice",
            stt=stt,
            tts=MockTTSProvider(),
            backend=backend,
            pipeline=AudioPipelineConfig(vad=vad),
        )
    )
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["It is noon."])))
    spoken = 0
    played = asyncio.Event()

    @kit.hook(HookTrigger.AFTER_TTS, execution=HookExecution.ASYNC)
    async def after_tts(event: Any, ctx: Any) -> None:
        nonlocal spoken
        spoken += 1
        played.set()

    frame = AudioFrame(data=b"\x00" * 640, sample_rate=16000)
    rec = Recorder()
    async with rec:
        for i in range(n):
            room = f"call-{i}"
            await kit.create_room(room_id=room)
            await kit.attach_channel(room, "voice")
            await kit.attach_channel(room, "ai", category=ChannelCategory.INTELLIGENCE)
            session = await kit.join(room_id=room, channel_id="voice", participant_id="caller")
            await hear(session, frame)
            await hear(session, frame)
            backend.waiting_since = time.perf_counter_ns()
            await hear(session, frame)  # the speech_end frame
            async with asyncio.timeout(30):
                while spoken < i + 1:
                    played.clear()
                    await played.wait()
            check(len(backend.latencies) == i + 1, f"reply {i} reached the backend without audio")
            rec.m.latencies_ns.append(backend.latencies[i])
            rec.m.done_ns.append(time.perf_counter_ns() - rec._t0)
            await kit.leave(session)
    for i in range(0, n, max(1, n // 10)):
        await check_stored(kit, f"call-{i}", {"voice": 1, "ai": 1})
    await kit.close()
    return rec.m


# 6 -------------------------------------------------------------------------------------------
async def fill_room(kit: RoomKit, room_id: str, total: int) -> Recorder:
    """Send messages until the room holds ``total`` events (counting any system events)."""
    already = len(await all_events(kit, room_id))
    check(already <= total, f"{room_id} already holds {already} events")
    return await sequential(total - already, lambda i: kit.process_inbound(inbound(f"m{i}")))


async def timeline_page_50k(
    n: int = 0, events: int = TIMELINE_EVENTS, reads: int = 200, small: int = PAGE
) -> Measurement:
    """``get_timeline(limit=50)`` at the start, middle and end of a room of ``events`` events,
    against a page of a room of ``small`` events; page reads of both rooms alternate, so load
    drift hits both alike. Filling the big room is timed separately (``extra["fill"]``).
    ``n`` is unused: the size of this scenario is ``events``."""
    del n
    big_kit, small_kit = RoomKit(), RoomKit()
    await ws_room(big_kit, "big", 1)
    await ws_room(small_kit, "small", 1)
    fill = await fill_room(big_kit, "big", events)
    await fill_room(small_kit, "small", small)
    big_count = len(await all_events(big_kit, "big"))
    check(big_count == events, f"the big room holds {big_count} events, not {events}")
    positions = {"start": 0, "middle": events // 2, "end": events - PAGE}

    async def page(kit: RoomKit, room: str, offset: int) -> int:
        t0 = time.perf_counter_ns()
        got = await kit.get_timeline(room, offset=offset, limit=PAGE)
        elapsed = time.perf_counter_ns() - t0
        check(
            [e.index for e in got] == list(range(offset, offset + PAGE)),
            f"{room}: bad page at offset {offset}",
        )
        return elapsed

    big_by_pos: dict[str, list[int]] = {p: [] for p in positions}
    small_pages: list[int] = []
    rec = Recorder()
    async with rec:  # for the GC figures; ops/s below counts big-room pages only
        for _ in range(reads):
            for pos, offset in positions.items():
                big_by_pos[pos].append(await page(big_kit, "big", offset))
                small_pages.append(await page(small_kit, "small", 0))
    m = rec.m
    for pos in positions:
        m.latencies_ns.extend(big_by_pos[pos])
    elapsed = 0
    for i in range(reads):  # the big-room pages back to back, in the order they were read
        for pos in positions:
            elapsed += big_by_pos[pos][i]
            m.done_ns.append(elapsed)
    m.wall_s = elapsed / 1e9
    small_p50 = max(1.0, percentile(small_pages, 50))
    m.extra = {
        "events": events,
        "small_room_events": small,
        "small_page_p50_us": small_p50 / 1000,
        "small_page_p99_us": percentile(small_pages, 99) / 1000,
        "page_p50_us_by_position": {p: percentile(v, 50) / 1000 for p, v in big_by_pos.items()},
        "big_over_small_page_cost": percentile(m.latencies_ns, 50) / small_p50,
        "worst_position_over_small": max(percentile(v, 50) for v in big_by_pos.values())
        / small_p50,
        "fill": summarize(fill.m),
    }
    return m


# 8 -------------------------------------------------------------------------------------------
TWILIO_TOKEN = "bench-auth-token"
TWILIO_URL = "https://bench.example.com/webhooks/twilio"


def twilio_request(i: int) -> tuple[bytes, str]:
    """An inbound SMS webhook as Twilio posts it: the form body and its X-Twilio-Signature
    (HMAC-SHA1 of the URL and the sorted fields, by hand: no SDK needed to build it)."""
    import base64
    import hashlib
    import hmac
    from urllib.parse import urlencode

    sid = f"SM{i:032x}"
    fields = {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": "+15145550199",
        "To": "+15145550100",
        "Body": f"customer message {i}",
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    signed = TWILIO_URL + "".join(k + fields[k] for k in sorted(fields))
    digest = hmac.new(TWILIO_TOKEN.encode(), signed.encode(), hashlib.sha1).digest()
    return urlencode(fields).encode(), base64.b64encode(digest).decode()


async def twilio_webhook(n: int) -> Measurement:
    """A signed Twilio SMS webhook into a room with a WebSocket agent: authenticate on the raw
    bytes, parse, pipeline. Here ``kit.process_webhook(meta={method, url, headers, body})``
    does all three; 0.109.0's ``process_webhook`` authenticates nothing, so there its provider's
    ``verify_signature`` and ``extract_sms_meta`` run first, as its documented endpoint does."""
    from urllib.parse import parse_qsl

    from roomkit import SMSChannel

    requests = [twilio_request(i) for i in range(n)]
    kit = RoomKit()
    await kit.create_room(room_id="bench")
    agent = WebSocketChannel("ws-agent")
    receiver = Receiver()
    connect(agent, "agent-laptop", receiver, "bench")
    kit.register_channel(agent)
    try:  # this roomkit
        from roomkit.providers.twilio.config import TwilioConfig
        from roomkit.providers.twilio.sms import TwilioSMSProvider

        provider: Any = TwilioSMSProvider(
            TwilioConfig(
                account_sid="AC" + "0" * 32, auth_token=TWILIO_TOKEN, from_number="+15145550100"
            )
        )
        ours = True
    except ImportError:  # 0.109.0 without the twilio extra: its signature check and mock sender
        from roomkit.providers.sms.meta import extract_sms_meta  # type: ignore[import-not-found]
        from roomkit.providers.sms.mock import MockSMSProvider
        from roomkit.providers.twilio._signature import (  # type: ignore[import-not-found]
            verify_twilio_signature,
        )

        provider = MockSMSProvider()
        ours = False
    kit.register_channel(SMSChannel("sms", provider=provider))
    await kit.attach_channel("bench", "ws-agent")
    await kit.attach_channel("bench", "sms")

    async def ours_op(i: int) -> Any:
        body, signature = requests[i]
        meta = {
            "method": "POST",
            "url": TWILIO_URL,
            "headers": {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
            "body": body,
        }
        return await kit.process_webhook(meta=meta, channel_id="sms")

    async def published_op(i: int) -> Any:
        body, signature = requests[i]
        check(
            verify_twilio_signature(body, signature, auth_token=TWILIO_TOKEN, url=TWILIO_URL),
            "0.109.0 refused a correctly signed webhook",
        )
        meta = extract_sms_meta("twilio", dict(parse_qsl(body.decode())))
        return await kit.process_webhook(meta, channel_id="sms")

    rec = await sequential(n, ours_op if ours else published_op)
    receiver.check_once(n)
    await check_stored(kit, "bench", {"sms": n})
    await kit.close()
    return rec.m


async def messaging_fanout(n: int) -> Measurement:
    """``twilio_webhook`` plus an SMS and an email binding that answer: each signed SMS from one
    customer also goes by SMS to a second customer (twilio SDK, aiohttp) and by email to a third
    (SendGrid, httpx), both to loopback fakes running in this process, whose work is in the
    figures. Only this roomkit has the vendor adapters and fakes."""
    from roomkit import EmailChannel, SMSChannel
    from roomkit.providers.sendgrid.config import SendGridConfig
    from roomkit.providers.sendgrid.email import SendGridEmailProvider
    from roomkit.providers.twilio.config import TwilioConfig
    from roomkit.providers.twilio.sms import TwilioSMSProvider
    from roomkit_fakes import SendGridFake, TwilioFake

    requests = [twilio_request(i) for i in range(n)]
    async with TwilioFake(auth_token=TWILIO_TOKEN) as twilio, SendGridFake() as sendgrid:
        kit = RoomKit()
        await kit.create_room(room_id="bench")
        agent = WebSocketChannel("ws-agent")
        receiver = Receiver()
        connect(agent, "agent-laptop", receiver, "bench")
        kit.register_channel(agent)
        kit.register_channel(
            SMSChannel(
                "sms",
                provider=TwilioSMSProvider(
                    TwilioConfig(
                        account_sid=twilio.account_sid,
                        auth_token=TWILIO_TOKEN,
                        from_number="+15145550100",
                        base_url=twilio.base_url,
                    )
                ),
            )
        )
        kit.register_channel(
            EmailChannel(
                "email",
                provider=SendGridEmailProvider(
                    SendGridConfig(
                        api_key=sendgrid.token,
                        from_email="support@example.com",
                        base_url=sendgrid.base_url,
                    )
                ),
            )
        )
        for channel in ("ws-agent", "sms", "email"):
            await kit.attach_channel("bench", channel)
        for channel, sender in (("sms", "+15145550111"), ("email", "carol@example.org")):
            await kit.process_inbound(
                InboundMessage(
                    channel_id=channel, sender_id=sender, content=TextContent(body="joining")
                ),
                room_id="bench",
            )
        twilio.messages.clear()
        sendgrid.messages.clear()
        receiver.ids.clear()

        async def op(i: int) -> Any:
            body, signature = requests[i]
            meta = {
                "method": "POST",
                "url": TWILIO_URL,
                "headers": {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                },
                "body": body,
            }
            return await kit.process_webhook(meta=meta, channel_id="sms")

        rec = await sequential(n, op)
        receiver.check_once(n)
        check(
            sum(1 for m in twilio.messages if m.to == "+15145550111") == n,
            f"{len(twilio.messages)} SMS of {n} reached the second customer",
        )
        check(len(sendgrid.messages) == n, f"{len(sendgrid.messages)} emails of {n}")
        failures = await kit.store.list_delivery_results("bench")
        check(
            not [r for r in failures if r.state.value != "delivered"],
            "failed deliveries to the vendors",
        )
        await kit.close()
    return rec.m


Scenario = Callable[..., Awaitable[Measurement]]

#: scenarios that need this roomkit's vendor adapters: not run on the published package
OURS_ONLY = frozenset({"messaging_fanout"})

SCENARIOS: dict[str, Scenario] = {
    "single_channel": single_channel,
    "fan_out_10": fan_out_10,
    "hooks_3sync_1async": hooks_3sync_1async,
    "rooms_1000_concurrent": rooms_1000_concurrent,
    "ai_reentry": ai_reentry,
    "swarm_routing": swarm_routing,
    "voice_response": voice_response,
    "timeline_page_50k": timeline_page_50k,
    "twilio_webhook": twilio_webhook,
    "messaging_fanout": messaging_fanout,
}

#: what one operation is, per scenario
UNITS = {
    "single_channel": "message",
    "fan_out_10": "message (10 deliveries)",
    "hooks_3sync_1async": "message (4 hooks)",
    "rooms_1000_concurrent": "message",
    "ai_reentry": "message (+ AI reply)",
    "swarm_routing": "message (+ routed reply, 3 agents)",
    "voice_response": "utterance (speech_end -> first reply frame)",
    "timeline_page_50k": "page of 50",
    "twilio_webhook": "signed SMS webhook",
    "messaging_fanout": "signed SMS webhook (+ an SMS and an email sent to fakes)",
}
