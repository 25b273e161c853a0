"""What every contract suite shares: the guard against overriding a contract test."""

from __future__ import annotations

from typing import Any, ClassVar


class ContractSuite:
    """Base of every ``<Port>Contract``.

    Subclasses in an adapter's test suite override *fixtures* and capability properties; a
    subclass that redefines a ``test_*`` method of the contract would silently weaken it, so it is
    refused when the class is created.
    """

    contract_tests: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own_tests = {name for name in vars(cls) if name.startswith("test_")}
        inherited = frozenset().union(
            *(getattr(base, "contract_tests", frozenset()) for base in cls.__mro__[1:])
        )
        overridden = sorted(own_tests & inherited)
        if overridden:
            raise TypeError(
                f"{cls.__name__} overrides contract test(s) {', '.join(overridden)}; "
                "override the fixtures or capability properties instead"
            )
        if cls.__module__.startswith("roomkit_contracts."):
            cls.contract_tests = inherited | own_tests
