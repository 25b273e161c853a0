"""SourceProviderContract: what RoomKit's source supervisor relies on from an event source."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from roomkit.domain.content import TextContent
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.ports.sources import SourceProvider
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


@dataclass(frozen=True)
class SourceScenario:
    """A fresh source and a way to make its upstream send text messages.

    ``feed(bodies)`` makes the upstream (a fake server, a queue) send one text message per body,
    in order; it may be called before or after ``run`` starts.
    """

    source: SourceProvider
    feed: Callable[[list[str]], Awaitable[None]]


class SourceProviderContract(ContractSuite, port=SourceProvider, adapter_fixture="source_scenario"):
    """Subclass it and override ``source_scenario`` to return a :class:`SourceScenario`."""

    @pytest.fixture
    def source_scenario(self) -> SourceScenario:
        """A source plus a feed for its upstream (must be overridden)."""
        missing_adapter("source_scenario", "SourceProvider (return SourceScenario(source, feed))")

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def timeout(self) -> float:
        """Seconds a fed message may take to reach ``emit``."""
        return 10.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @scenario_helper
    async def collect(
        self, scenario: SourceScenario, bodies: list[str], *, hold: float = 0.0
    ) -> tuple[list[InboundMessage], int]:
        """Run the source, feed ``bodies`` and return what reached emit and the most emit calls
        that were in progress at once (``hold`` seconds spent in each emit)."""
        got: list[InboundMessage] = []
        active = peak = 0
        enough = asyncio.Event()

        async def emit(message: InboundMessage) -> InboundResult:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            try:
                if hold:
                    await asyncio.sleep(hold)
                got.append(message)
                if len(got) >= len(bodies):
                    enough.set()
                return InboundResult()
            finally:
                active -= 1

        task = asyncio.create_task(scenario.source.run(emit))
        try:
            await scenario.feed(bodies)
            async with asyncio.timeout(self.timeout):
                while not enough.is_set() and not task.done():
                    await asyncio.wait({task, asyncio.ensure_future(enough.wait())}, timeout=0.5)
            if task.done() and not enough.is_set():
                task.result()  # surface the source's own error
        finally:
            task.cancel()
            await asyncio.wait({task}, timeout=self.timeout)
            await scenario.source.close()
        return got, peak

    @staticmethod
    @scenario_helper
    def bodies(messages: list[InboundMessage]) -> list[str]:
        """The text of each message."""
        return [m.content.body if isinstance(m.content, TextContent) else "" for m in messages]

    # the adapter -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, source_scenario: SourceScenario) -> None:
        """The fixture's source is a SourceProvider with a non-empty name.

        If this fails, subclass roomkit.ports.sources.SourceProvider and set ``name``.
        """
        assert isinstance(source_scenario.source, SourceProvider)
        assert isinstance(source_scenario.source.name, str) and source_scenario.source.name

    @pytest.mark.asyncio
    async def test_fed_messages_reach_emit_in_order(self, source_scenario: SourceScenario) -> None:
        """Each message the upstream sends reaches emit once, as an InboundMessage, in order.

        If this fails, run() must await emit(message) for every message, one after the other.
        """
        got, _ = await self.collect(source_scenario, ["one", "two", "three"])
        assert all(isinstance(m, InboundMessage) for m in got)
        assert self.bodies(got) == ["one", "two", "three"]

    @pytest.mark.asyncio
    async def test_emit_is_awaited_before_the_next_message(
        self, source_scenario: SourceScenario
    ) -> None:
        """emit calls never overlap: the pipeline's order is the upstream's order.

        If this fails, run() started emit for a message before the previous one finished.
        """
        got, peak = await self.collect(source_scenario, ["a", "b", "c", "d"], hold=0.01)
        assert self.bodies(got) == ["a", "b", "c", "d"]
        assert peak == 1, f"{peak} emit calls were in progress at once"

    @pytest.mark.asyncio
    async def test_cancellation_stops_run_promptly(self, source_scenario: SourceScenario) -> None:
        """Cancelling the task running run() ends it within the timeout.

        If this fails, run() swallowed CancelledError or blocks in a call that cannot be
        cancelled.
        """

        async def emit(message: InboundMessage) -> InboundResult:
            return InboundResult()

        task = asyncio.create_task(source_scenario.source.run(emit))
        await asyncio.sleep(0.05)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=self.timeout)
        assert task in done, f"run() was still going {self.timeout}s after it was cancelled"
        with contextlib.suppress(asyncio.CancelledError):
            task.result()
        await source_scenario.source.close()

    @pytest.mark.asyncio
    async def test_close_is_idempotent(self, source_scenario: SourceScenario) -> None:
        """close() may be called before run() and more than once.

        If this fails, close() must tolerate a source that never ran or was closed already.
        """
        await source_scenario.source.close()
        await source_scenario.source.close()
