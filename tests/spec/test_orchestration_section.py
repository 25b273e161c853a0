"""The SPEC's Orchestration section, run as written: every example, in order, in one namespace.

The examples are read from ``../shared/SPEC.md`` and executed unchanged; the only additions are
the names they leave out (the agents they mention, a room to delegate from), inserted between
them. The end state is then checked.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

SPEC = Path(__file__).resolve().parents[3] / "shared" / "SPEC.md"
needs_spec = pytest.mark.skipif(
    not SPEC.exists() and not os.environ.get("CI"),
    reason="../shared/SPEC.md is not beside the repository",
)

# Scaffolding run before the example with that index: only what the examples leave out.
SCAFFOLD: dict[int, str] = {
    1: """
billing = Agent("billing", provider=MockAIProvider(responses=["Billing here."]))
shipping = Agent("shipping", provider=MockAIProvider(responses=["Shipping here."]))
returns = Agent("returns", provider=MockAIProvider(responses=["Returns here."]))
""",
    2: """
manager_agent = Agent("manager", provider=MockAIProvider(responses=["On it."]))
researcher = Agent("researcher", provider=MockAIProvider(responses=["Product X costs $42."]))
writer = Agent("writer", provider=MockAIProvider(responses=["A draft."]))
reviewer = Agent("reviewer", provider=MockAIProvider(responses=["Looks fine."]))
""",
    3: """
writer_agent = Agent("writer-agent", provider=MockAIProvider(responses=["Draft"]))
editor_agent = Agent(
    "editor-agent",
    provider=MockAIProvider(
        responses=[
            "Shorter, please.",
            MockAIProvider.tool_call("approve_output", {"feedback": "Good"}),
            "Approved.",
        ]
    ),
)
""",
    14: "from roomkit.orchestration.state import ConversationState",
    16: """
from roomkit import HookExecution
billing_agent = Agent("billing-agent", provider=MockAIProvider(responses=["Billing."]))
shipping_agent = Agent("shipping-agent", provider=MockAIProvider(responses=["Shipping."]))
triage_agent = Agent("triage-agent", provider=MockAIProvider(responses=["Triage."]))
""",
    19: """
await kit.create_room(room_id="main-room")
kit.register_channel(researcher)
""",
    20: "provider = MockAIProvider(responses=['ok'])",
}


def section_examples() -> list[str]:
    text = SPEC.read_text()
    start = text.index("RoomKit provides four declarative orchestration strategies")
    end = text.index("`HandoffMemoryProvider` wraps any memory provider", start)
    return re.findall(r"```python\n(.*?)```", text[start:end], re.S)


def spec_testing_example() -> str:
    text = SPEC.read_text()
    start = text.index("## Testing Orchestration")
    return re.findall(r"```python\n(.*?)```", text[start:], re.S)[0]


async def run(source: str, namespace: dict[str, Any]) -> None:
    code = compile(source, "<SPEC example>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)
    if result is not None:
        await result


@needs_spec
async def test_every_orchestration_example_runs_in_order() -> None:
    examples = section_examples()
    assert len(examples) == 21, "the Orchestration section changed; review the scaffolding"
    namespace: dict[str, Any] = {"__name__": "spec_orchestration"}
    await run("from roomkit.providers.ai.mock import MockAIProvider", namespace)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for index, example in enumerate(examples):
            if index in SCAFFOLD:
                await run(SCAFFOLD[index], namespace)
            await run(example, namespace)

    kit = namespace["kit"]
    # "Using Orchestration" ran on the Loop kit: the writer drafted, the editor approved
    timeline = await kit.get_timeline("support", limit=100)
    said = [(e.source.channel_id, e.content.body) for e in timeline if e.content.type == "text"]
    assert said == [
        ("ws-user", "I need help with billing."),
        ("writer-agent", "Draft"),
        ("editor-agent", "Shorter, please."),
        ("writer-agent", "Draft"),
        ("editor-agent", "Approved."),
    ]
    from roomkit.orchestration.state import get_conversation_state

    state = get_conversation_state(await kit.get_room("support"))
    # the custom data, the programmatic transition and the sentiment hook all persisted
    assert state.context["customer_tier"] == "premium"
    assert state.context["issue_type"] == "refund"
    assert state.context["attempts"] == 1
    assert state.phase == "escalation" and state.active_agent_id == "supervisor-agent"
    assert state.previous_agent_id == "writer-agent" and state.handoff_count == 1
    transition = state.phase_history[-1]
    assert transition.metadata == {"escalation_priority": "high"}
    assert namespace["tier"] == "premium" and namespace["attempts"] == 1
    # the delegation's status updates reached the subscriber, and its result came back
    assert namespace["result"].result == "Product X costs $42."
    lines = printed.getvalue().splitlines()
    assert "Agent researcher: working on: Find the latest pricing for product X (info)" in lines
    assert "Agent researcher: task done (info)" in lines
    assert lines[:3] == ["intake", "writer-agent", "0"]  # "Reading State" on the Loop's room
    # the router examples built what they describe
    assert namespace["router"].supervisor_id == "supervisor-agent"
    assert namespace["handler"].allowed_targets("support", "billing-agent") == [
        "shipping-agent",
        "triage-agent",
    ]
    assert [s.phase for s in namespace["pipeline"].stages] == ["triage", "handling", "resolution"]
    memory = namespace["agent"].memory
    assert type(memory).__name__ == "HandoffMemoryProvider"
    assert memory.inner.max_events == 50


@needs_spec
async def test_the_testing_orchestration_example_passes() -> None:
    namespace: dict[str, Any] = {"__name__": "spec_testing_orchestration"}
    await run("from roomkit import InboundMessage, TextContent", namespace)
    await run(spec_testing_example(), namespace)
    await namespace["test_pipeline_orchestration"]()
