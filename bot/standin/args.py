"""Reading a Web API call's arguments as Slack does: scalars only, empty means absent."""

from bot.standin.records import Json, SlackError


def text_arg(args: Json, key: str) -> str | None:
    """A scalar argument as a non-empty string, or None."""
    value = args.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value) or None


def required_arg(args: Json, key: str, error: str) -> str:
    """A scalar argument, or Slack's `error` when it is missing."""
    value = text_arg(args, key)
    if value is None:
        raise SlackError(error)
    return value
