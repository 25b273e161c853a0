"""API keys for adapter settings: ``SecretStr``, taken from the vendor's usual environment
variable when not given, never shown when a config is printed or logged."""

from __future__ import annotations

import os
from typing import Any, ClassVar

from pydantic import BaseModel, model_validator


class KeyFromEnvironment(BaseModel):
    """Mixin for settings with an ``api_key: SecretStr`` field.

    ``api_key_env`` lists the environment variables tried, in order, when ``api_key`` is absent
    or empty; with none set, validation fails naming them.
    """

    api_key_env: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _api_key_from_environment(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not cls.api_key_env:
            return data
        if data.get("api_key") not in (None, ""):
            return data
        for name in cls.api_key_env:
            value = os.environ.get(name)
            if value:
                return {**data, "api_key": value}
        if "api_key" in cls.model_fields and not cls.model_fields["api_key"].is_required():
            return data
        raise ValueError(
            f"api_key was not given and {' / '.join(cls.api_key_env)} is not set in the environment"
        )
