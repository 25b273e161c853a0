"""Hook failures are never silent: a sync hook that returns no HookResult, raises or times out
is logged in one line and reported to ON_ERROR; ``fail_closed=True`` blocks the event instead
of letting it through. Plain functions are hooks too."""

from __future__ import annotations

import asyncio
import logging

import pytest

from roomkit import HookExecution, HookResult, HookTrigger, RoomKit
from roomkit.logging import configure_logging
from roomkit.store.memory import InMemoryStore

from .conftest import room_with_ws, say


async def kit_with_errors() -> tuple[RoomKit, list, list[str]]:  # type: ignore[type-arg]
    kit, inbox = await room_with_ws(InMemoryStore())
    errors: list[str] = []

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC)
    async def on_error(event, ctx):  # type: ignore[no-untyped-def]
        errors.append(event.content.data.get("error", ""))

    return kit, inbox, errors


async def test_a_forgotten_return_is_reported_and_fails_open_by_default() -> None:
    kit, inbox, errors = await kit_with_errors()

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def moderate(event, ctx):  # type: ignore[no-untyped-def]
        if "bad" in event.content.body:
            return HookResult.block("bad word")
        # forgot: return HookResult.allow()

    result = await kit.process_inbound(say("fine"))
    assert not result.blocked and len(inbox) == 1
    assert len(errors) == 1 and "returned NoneType, not a HookResult" in errors[0]


@pytest.mark.parametrize("failure", ["none", "raise", "timeout"])
async def test_a_fail_closed_hook_blocks_when_it_fails(failure: str) -> None:
    kit, inbox, errors = await kit_with_errors()

    @kit.hook(HookTrigger.BEFORE_BROADCAST, timeout=0.05, fail_closed=True)
    async def moderate(event, ctx):  # type: ignore[no-untyped-def]
        if failure == "raise":
            raise RuntimeError("moderation service down")
        if failure == "timeout":
            await asyncio.sleep(30)
        return None

    result = await kit.process_inbound(say("anything"))
    assert result.blocked and "moderate" in (result.reason or "")
    assert inbox == [] and len(errors) == 1
    [stored] = await kit.get_timeline("r")
    assert stored.status == "blocked" and "moderate" in (stored.blocked_by or "")


async def test_plain_functions_are_hooks() -> None:
    kit, inbox, errors = await kit_with_errors()
    seen: list[str] = []

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    def block_spam(event, ctx):  # type: ignore[no-untyped-def]
        return HookResult.block("spam") if "spam" in event.content.body else HookResult.allow()

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
    def audit(event, ctx):  # type: ignore[no-untyped-def]
        seen.append(event.content.body)

    assert (await kit.process_inbound(say("spam offer"))).blocked
    assert not (await kit.process_inbound(say("hello"))).blocked
    assert seen == ["hello"] and errors == [] and len(inbox) == 1


def test_a_hook_must_be_callable() -> None:
    kit = RoomKit()
    with pytest.raises(TypeError, match="must be a function"):
        kit.hook(HookTrigger.BEFORE_BROADCAST)("not a function")  # type: ignore[arg-type]


async def test_a_failing_hook_logs_one_line_without_locals_or_bodies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(logging.WARNING, force=True)
    try:
        kit, _inbox, _errors = await kit_with_errors()

        @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
        async def crashing(event, ctx):  # type: ignore[no-untyped-def]
            secret = event.content.body  # a local a rich traceback would print
            raise ValueError("downstream refused")
            return secret

        capsys.readouterr()
        for i in range(50):
            await kit.process_inbound(say(f"card number 4111-{i}"))
        err = capsys.readouterr().err
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 50
        assert all("hook failed" in ln and "error_type=ValueError" in ln for ln in lines)
        # the body ("card number 4111-<i>"); a bare "4111" may occur inside a random hex event id
        assert "card number" not in err and "4111-" not in err
        assert "Traceback" not in err and "secret" not in err
    finally:
        configure_logging(logging.WARNING, force=True)


async def test_tracebacks_are_logged_at_debug_level_plainly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(logging.DEBUG, force=True)
    try:
        kit, _inbox, _errors = await kit_with_errors()

        @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
        async def crashing(event, ctx):  # type: ignore[no-untyped-def]
            raise ValueError("downstream refused")

        capsys.readouterr()
        await kit.process_inbound(say("hello"))
        err = capsys.readouterr().err
        assert "Traceback" in err and "raise ValueError" in err
        assert "locals" not in err.lower()
    finally:
        configure_logging(logging.WARNING, force=True)
