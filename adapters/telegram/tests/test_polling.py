"""TelegramPollingSource: getUpdates long polling against the Bot API fake."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from roomkit import InboundMessage, RoomKit, TelegramChannel, TextContent, WebSocketChannel
from roomkit.domain.inbound import InboundResult
from roomkit.providers.telegram.bot import TelegramPollingSource
from roomkit.providers.telegram.config import TelegramConfig
from roomkit_contracts import SourceProviderContract, SourceScenario
from roomkit_fakes.telegram import TelegramFake
from roomkit_telegram import TelegramAPIError

CHAT = 555


def source_for(fake: TelegramFake, **options: object) -> TelegramPollingSource:
    config = TelegramConfig(bot_token=fake.bot_token, base_url=fake.base_url)
    return TelegramPollingSource(config, **options)  # type: ignore[arg-type]


class TestTelegramPollingContract(SourceProviderContract):
    @pytest_asyncio.fixture
    async def source_scenario(self, telegram_fake: TelegramFake) -> AsyncIterator[SourceScenario]:
        source = source_for(telegram_fake, poll_timeout=5)

        async def feed(bodies: list[str]) -> None:
            for body in bodies:
                telegram_fake.push(telegram_fake.text_update(chat_id=CHAT, text=body))

        yield SourceScenario(source=source, feed=feed)
        await source.close()


class Recorder:
    def __init__(self, until: int) -> None:
        self.got: list[InboundMessage] = []
        self.until = until
        self.done = asyncio.Event()

    async def emit(self, message: InboundMessage) -> InboundResult:
        self.got.append(message)
        if len(self.got) >= self.until:
            self.done.set()
        return InboundResult()


async def run_until(
    source: TelegramPollingSource, recorder: Recorder, offset: int | None = None
) -> None:
    """Run until ``recorder`` has its messages (and the offset moved to ``offset``)."""
    task = asyncio.create_task(source.run(recorder.emit))
    try:
        async with asyncio.timeout(20):
            await recorder.done.wait()
            while offset is not None and source.offset != offset:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await source.close()


async def test_offset_confirms_each_update_after_emit(telegram_fake: TelegramFake) -> None:
    first = telegram_fake.text_update(chat_id=CHAT, text="one")
    second = telegram_fake.text_update(chat_id=CHAT, text="two")
    telegram_fake.push(first, second)
    source = source_for(telegram_fake, poll_timeout=5, allowed_updates=["message"])
    recorder = Recorder(until=2)
    await run_until(source, recorder, offset=second["update_id"] + 1)
    assert [m.content for m in recorder.got] == [TextContent(body="one"), TextContent(body="two")]
    polls = [r.json() for r in telegram_fake.raw if r.path.endswith("/getUpdates")]
    assert polls[0] == {"timeout": 5, "allowed_updates": ["message"]}
    assert source.offset == second["update_id"] + 1
    assert all(p.get("offset") in (None, source.offset) for p in polls)


async def test_errors_are_backed_off_honouring_retry_after(telegram_fake: TelegramFake) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    telegram_fake.fail_next(502).fail_next(500).throttle_next("7")
    telegram_fake.push(telegram_fake.text_update(chat_id=CHAT, text="after errors"))
    source = source_for(telegram_fake, poll_timeout=1, sleep=sleep)
    recorder = Recorder(until=1)
    await run_until(source, recorder)
    assert slept == [1.0, 2.0, 7.0]  # exponential backoff, then Telegram's retry_after
    assert source.failures == 0 and recorder.got[0].content == TextContent(body="after errors")


async def test_a_webhook_in_the_way_is_fatal(telegram_fake: TelegramFake) -> None:
    telegram_fake.webhook = {"url": "https://app.example.com/hook"}
    source = source_for(telegram_fake, poll_timeout=1)
    with pytest.raises(TelegramAPIError, match=r"409.*deleteWebhook"):
        await source.run(Recorder(until=1).emit)
    await source.close()


async def test_callbacks_are_answered_and_bad_updates_skipped(telegram_fake: TelegramFake) -> None:
    broken = telegram_fake.update(message={"message_id": 1, "chat": {"id": CHAT}, "text": "x"})
    pressed = telegram_fake.callback_update(chat_id=CHAT, data="YES", query_id="q9")
    telegram_fake.push(broken, pressed)
    source = source_for(telegram_fake, poll_timeout=1)
    recorder = Recorder(until=1)
    await run_until(source, recorder, offset=pressed["update_id"] + 1)
    assert [m.content for m in recorder.got] == [TextContent(body="YES")]
    assert source.offset == pressed["update_id"] + 1
    assert telegram_fake.callback_answers == [{"callback_query_id": "q9"}]


async def test_attached_to_a_kit_a_redelivered_update_is_stored_once(
    telegram_fake: TelegramFake,
) -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    config = TelegramConfig(bot_token=telegram_fake.bot_token, base_url=telegram_fake.base_url)
    from roomkit.providers.telegram.bot import TelegramBotProvider

    kit.register_channel(TelegramChannel("telegram", provider=TelegramBotProvider(config)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "telegram")
    update = telegram_fake.text_update(chat_id=CHAT, text="hello bot")
    telegram_fake.push(update, dict(update, update_id=update["update_id"] + 1))
    await kit.attach_source("telegram", TelegramPollingSource(config, poll_timeout=1))
    async with asyncio.timeout(20):
        while kit.source_health("telegram").messages < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    events = await kit.store.list_events("r")
    assert [e.content for e in events] == [TextContent(body="hello bot")]
    await kit.close()
