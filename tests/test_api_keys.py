"""API keys are SecretStr, read from the vendor's documented variable, never printed."""

from __future__ import annotations

import importlib
import logging

import pytest
from pydantic import SecretStr, ValidationError

CONFIGS = [
    ("roomkit_anthropic.config", "AnthropicConfig", "ANTHROPIC_API_KEY", {}),
    ("roomkit_openai.config", "OpenAIConfig", "OPENAI_API_KEY", {}),
    (
        "roomkit_openai.config",
        "AzureAIConfig",
        "AZURE_OPENAI_API_KEY",
        {"azure_endpoint": "http://127.0.0.1:1", "deployment": "d"},
    ),
    ("roomkit_gemini.config", "GeminiConfig", "GEMINI_API_KEY", {}),
    ("roomkit_mistral.config", "MistralConfig", "MISTRAL_API_KEY", {}),
]
ALL_VARS = [
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "MISTRAL_API_KEY",
]


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)


def _config(module: str, name: str) -> type:
    return getattr(pytest.importorskip(module), name)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("module", "name", "variable", "extra"), CONFIGS)
def test_the_key_is_secret_and_never_printed(
    module: str, name: str, variable: str, extra: dict[str, str]
) -> None:
    config = _config(module, name)(api_key="sk-very-secret", **extra)
    assert isinstance(config.api_key, SecretStr)
    assert config.api_key.get_secret_value() == "sk-very-secret"
    for shown in (str(config), repr(config), str(config.model_dump()), config.model_dump_json()):
        assert "sk-very-secret" not in shown


@pytest.mark.parametrize(("module", "name", "variable", "extra"), CONFIGS)
def test_the_key_comes_from_the_documented_variable(
    module: str, name: str, variable: str, extra: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = _config(module, name)
    with pytest.raises(ValidationError, match=variable):
        cls(**extra)
    monkeypatch.setenv(variable, "sk-from-env")
    assert cls(**extra).api_key.get_secret_value() == "sk-from-env"
    assert cls(api_key="given", **extra).api_key.get_secret_value() == "given"


def test_gemini_also_reads_google_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    cls = _config("roomkit_gemini.config", "GeminiConfig")
    monkeypatch.setenv("GOOGLE_API_KEY", "g-key")
    assert cls().api_key.get_secret_value() == "g-key"


def test_a_registry_built_provider_takes_the_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("roomkit_anthropic")
    from roomkit.plugins.registry import default_registry

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env-secret")
    caplog.set_level(logging.DEBUG)
    provider = default_registry().create("ai_provider", "anthropic", {"model": "m"})
    assert provider.config.api_key.get_secret_value() == "sk-env-secret"
    assert "sk-env-secret" not in repr(provider.config) + caplog.text
    importlib.import_module("roomkit.providers.anthropic")
