"""roomkit-teams: Microsoft Teams over the Bot Framework Connector API, with activities
authenticated by the Bot Connector's JWT."""

from roomkit_teams.config import TeamsConfig
from roomkit_teams.provider import BotFrameworkTeamsProvider
from roomkit_teams.reference import Account, ConversationReference
from roomkit_teams.webhook import TeamsActivity, is_bot_added, parse_teams_webhook

__all__ = [
    "Account",
    "BotFrameworkTeamsProvider",
    "ConversationReference",
    "TeamsActivity",
    "TeamsConfig",
    "is_bot_added",
    "parse_teams_webhook",
]
