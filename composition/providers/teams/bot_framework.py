"""From the adapter package behind the ``roomkit[teams]`` extra (docs/getting-started.md)."""

try:
    from roomkit_teams import BotFrameworkTeamsProvider
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.providers.teams.bot_framework", "teams") from exc

__all__ = ["BotFrameworkTeamsProvider"]
