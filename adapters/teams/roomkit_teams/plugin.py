"""Registers the Microsoft Teams provider under the name "teams"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_teams.config import TeamsConfig


def build(settings: TeamsConfig) -> object:
    from roomkit_teams.provider import BotFrameworkTeamsProvider

    return BotFrameworkTeamsProvider(settings)


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="teams",
        factory=build,
        settings=TeamsConfig,
        capabilities={"teams", "webhooks", "proactive", "mentions", "reactions", "cards"},
        description="Microsoft Teams (Bot Framework Connector API)",
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="teams",
        factory=build,
        settings=TeamsConfig,
        description="Bot Framework activities authenticated by their JWT (OpenID keys)",
    )
