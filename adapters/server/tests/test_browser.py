"""The chat and inspector pages in a real headless Chromium (Debian's), driven by Selenium.

A message typed on the chat page reaches the AI and comes back; the inspector shows it live
with its hook verdict and its deliveries. The screenshot is kept in build/test-artifacts/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from roomkit import HookExecution, HookResult, HookTrigger
from roomkit_server import ServerConfig, create_app, serving

from .conftest import REFUSED_NUMBER, TOKEN, build_kit

ARTIFACTS = Path(__file__).resolve().parents[3] / "build" / "test-artifacts"


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
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,1000")
    chrome = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    try:
        yield chrome
    finally:
        chrome.quit()


async def _eventually(check: Callable[[], bool], what: str, wait: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while not await asyncio.to_thread(check):
        if loop.time() > deadline:
            raise AssertionError(f"not seen within {wait} s: {what}")
        await asyncio.sleep(0.2)


async def test_chat_page_message_appears_in_the_inspector(browser: Any) -> None:
    from selenium.webdriver.common.by import By

    kit = build_kit()

    @kit.hook(HookTrigger.BEFORE_BROADCAST, HookExecution.SYNC, name="no_secrets")
    async def no_secrets(event: Any, context: Any) -> HookResult:
        if "secret" in getattr(event.content, "body", ""):
            return HookResult(action="block", reason="secrets stay out")
        return HookResult()

    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with serving(create_app(kit, ServerConfig(api_key=TOKEN))) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=auth) as client:
            await client.post("/api/rooms", json={"room_id": "demo"})
            for channel in ("ws", "assistant"):
                await client.post("/api/rooms/demo/bindings", json={"channel_id": channel})
            await client.post(
                "/api/rooms/demo/bindings",
                json={
                    "channel_id": "sms",
                    "metadata": {"to": REFUSED_NUMBER},
                    "retry_policy": {"max_retries": 0},
                },
            )

        def open_chat() -> None:
            browser.get(f"{base_url}/chat?room=demo&me=alice")
            browser.find_element(By.ID, "token").send_keys(TOKEN)
            browser.find_element(By.ID, "connect").click()

        await asyncio.to_thread(open_chat)
        log = lambda: browser.find_element(By.ID, "log").text  # noqa: E731
        await _eventually(lambda: "connected to demo as alice" in log(), "the welcome")

        def say(text: str) -> None:
            box = browser.find_element(By.ID, "text")
            box.send_keys(text)
            browser.find_element(By.CSS_SELECTOR, "#send button").click()

        await asyncio.to_thread(say, "hello from chromium")
        await _eventually(lambda: "assistant: Hi from AI" in log(), "the AI's answer on the page")
        assert "alice: hello from chromium" in log()
        await asyncio.to_thread(say, "my secret is 1234")
        await _eventually(lambda: "blocked: secrets stay out" in log(), "the block notice")

        await asyncio.to_thread(browser.get, f"{base_url}/inspector?room=demo")
        rows = lambda: browser.find_elements(By.CSS_SELECTOR, "#timeline tr")  # noqa: E731
        await _eventually(lambda: len(rows()) >= 3, "three timeline rows in the inspector")

        def row_texts() -> list[str]:
            return [row.text for row in rows()]

        texts = await asyncio.to_thread(row_texts)
        hello = next(t for t in texts if "hello from chromium" in t)
        assert "ws (websocket) alice" in hello
        assert "sms: failed after 1 attempts" in hello
        assert REFUSED_NUMBER in hello
        blocked = next(t for t in texts if "my secret is 1234" in t)
        assert "blocked: secrets stay out" in blocked
        assert "not broadcast" in blocked
        answer = next(t for t in texts if "Hi from AI" in t)
        assert "assistant (ai)" in answer
        calls = await asyncio.to_thread(
            lambda: [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#ai-calls tr")]
        )
        assert any("assistant" in c and "Hi from AI" in c for c in calls), calls
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(browser.save_screenshot, str(ARTIFACTS / "inspector.png"))
        assert (ARTIFACTS / "inspector.png").stat().st_size > 1000
