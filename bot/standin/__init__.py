"""A local stand-in for the Slack Web API, for tests and the browser sandbox."""

from bot.standin.server import SlackStandIn
from bot.standin.state import Call

__all__ = ["Call", "SlackStandIn"]
