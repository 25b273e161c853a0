"""What every contract suite shares: the subclass guard, scenario helpers and the tier gate.

A contract suite is a class an adapter's test module subclasses::

    class TestMyStore(ConversationStoreContract):
        @pytest.fixture
        def store(self) -> ConversationStore:
            return MyStore()

Members, after fsspec's must/may/never fixtures:

- must: the *adapter fixture* (``store``, ``lock_manager``, ...), overridden to return a fresh,
  empty adapter (async fixtures are fine: use ``pytest_asyncio.fixture``);
- may: *capability properties* (``process_local``, ``supports_streaming``, ...) and optional
  fixtures (``peer_realtime``, ``scripted_tool_call_provider``, ...), overridden to say what the
  adapter does; the suite then checks exactly that;
- never: *scenario helpers* (decorated with :func:`scenario_helper`) and the ``test_*`` methods.
  A subclass that redefines one is refused when the class is created, because a suite an adapter
  can quietly weaken proves nothing.

``expected_failures`` (test name -> reason) lists contract tests an adapter is known to fail;
they run as strict xfails, so they turn red again the day the adapter is fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NoReturn

import pytest

LIVE_OPTION = "--roomkit-live"
"""Command-line flag that enables the live tier (suites with ``live = True``)."""

HINT_PREFIX = "If this fails"
"""Every contract test's docstring has one line starting with this: the troubleshooting hint."""

_SCENARIO_ATTR = "__roomkit_scenario_helper__"


def scenario_helper[F: Callable[..., Any]](func: F) -> F:
    """Mark a helper of a contract suite that subclasses must not override."""
    setattr(func, _SCENARIO_ATTR, True)
    return func


def _is_scenario_helper(obj: object) -> bool:
    target = obj.fget if isinstance(obj, property) else getattr(obj, "__func__", obj)
    return bool(getattr(target, _SCENARIO_ATTR, False))


def _is_fixture(obj: object) -> bool:
    # pytest >= 8.4 wraps fixtures in FixtureFunctionDefinition; older versions tag the function.
    return (
        type(obj).__name__ == "FixtureFunctionDefinition"
        or getattr(obj, "_pytestfixturefunction", None) is not None
    )


def missing_adapter(fixture: str, what: str) -> NoReturn:
    """Body of an adapter fixture the subclass did not override: fail setup with what to do."""
    pytest.fail(
        f"override the `{fixture}` fixture in your {what} contract subclass: "
        f"@pytest.fixture (or @pytest_asyncio.fixture) def {fixture}(self): return <fresh adapter>",
        pytrace=False,
    )


def hint_of(func: object) -> str | None:
    """The troubleshooting line of a contract test's docstring (``If this fails, ...``)."""
    doc = getattr(func, "__doc__", None) or ""
    for line in doc.splitlines():
        if line.strip().startswith(HINT_PREFIX):
            return line.strip()
    return None


class ContractSuite:
    """Base of every ``<Port>Contract`` class.

    A port's contract is declared with ``class XContract(ContractSuite, port=X, adapter_fixture=
    "name")``; its ``test_*`` methods and scenario helpers are then protected in every subclass.
    """

    port: ClassVar[type]
    """The port ABC the adapter under test implements."""

    adapter_fixture: ClassVar[str]
    """Name of the must-override fixture that returns a fresh, empty adapter."""

    live: ClassVar[bool] = False
    """True for a live-tier suite (real services): it only runs with ``pytest --roomkit-live``."""

    expected_failures: ClassVar[Mapping[str, str]] = {}
    """Contract tests this adapter is known to fail, with the reason; run as strict xfails."""

    _protected: ClassVar[dict[str, str]] = {"_roomkit_contract_gate": "ContractSuite"}

    def __init_subclass__(
        cls, *, port: type | None = None, adapter_fixture: str | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        overridden = sorted(name for name in own if name in cls._protected)
        if overridden:
            owners = ", ".join(f"{name} (from {cls._protected[name]})" for name in overridden)
            raise TypeError(
                f"{cls.__qualname__} overrides {owners}: contract tests and scenario helpers are "
                "never overridden. Override the adapter fixture or a capability property instead, "
                "or list a test the adapter cannot pass in `expected_failures` with the reason."
            )
        if port is not None:
            if adapter_fixture is None:
                raise TypeError(f"{cls.__qualname__} declares a port without an adapter_fixture")
            cls.port = port
            cls.adapter_fixture = adapter_fixture
            protected = dict(cls._protected)
            for name, member in own.items():
                if name.startswith("test_") or _is_scenario_helper(member):
                    protected[name] = cls.__qualname__
            cls._protected = protected
            return
        fixture_name = getattr(cls, "adapter_fixture", None)
        if fixture_name is not None and fixture_name in own and not _is_fixture(own[fixture_name]):
            raise TypeError(
                f"{cls.__qualname__}.{fixture_name} must be a fixture: decorate it with "
                "@pytest.fixture (or @pytest_asyncio.fixture for an async one)"
            )
        if "expected_failures" in own:
            unknown = sorted(set(cls.expected_failures) - set(cls.contract_tests()))
            if unknown:
                raise TypeError(
                    f"{cls.__qualname__}.expected_failures names unknown contract tests: "
                    f"{', '.join(unknown)}"
                )

    @classmethod
    def contract_tests(cls) -> list[str]:
        """Names of the contract's test methods, in definition order."""
        return [name for name in cls._protected if name.startswith("test_")]

    @pytest.fixture(autouse=True)
    def _roomkit_contract_gate(self, request: pytest.FixtureRequest) -> None:
        """Skip the live tier unless asked for; mark expected failures as strict xfails."""
        if self.live and not request.config.getoption(LIVE_OPTION, default=False):
            pytest.skip(f"live contract tier: run pytest with {LIVE_OPTION} to include it")
        name = getattr(request.node, "originalname", request.node.name)
        reason = self.expected_failures.get(name)
        if reason is not None:
            request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
