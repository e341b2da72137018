"""Slash commands: /claim, /draft, /mentions and /chorus. Each answers `help` with usage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.services import views, workflow
from bot.services.core import Services
from handlers.card_actions import ephemeral
from handlers.cards import list_line
from handlers.context import services_of
from handlers.door import door_answer
from handlers.effects import apply_effects
from handlers.ids import Command
from handlers.modals import build_draft_modal
from handlers.text import truncate

if TYPE_CHECKING:  # handlers.app registers this module
    from handlers.app import ChorusApp

CLAIM_USAGE = (
    "*/claim* — take a mention to answer it.\n"
    "• `/claim 42` claims mention #42\n"
    "• `/claim next` (or just `/claim`) claims the oldest waiting mention of this channel's "
    "department, or of any department elsewhere"
)
DRAFT_USAGE = (
    "*/draft* — write a reply.\n"
    "• `/draft 42` opens the reply form for #42 (claiming it if nobody has)\n"
    "• `/draft` opens the form for the mention you claimed most recently"
)
MENTIONS_USAGE = (
    "*/mentions* — see what is waiting.\n"
    "• `/mentions` or `/mentions open` lists open mentions\n"
    "• `/mentions mine` lists the ones you claimed\n"
    "• `/mentions KEY` lists one department's (keys: {keys})"
)
CHORUS_HELP = (
    "*Chorus* brings customers' posts about us into the right department's channel.\n"
    "1. Click *Claim* on a card (or `/claim next`), then *Draft reply*.\n"
    "2. A lead of the department or a social media manager approves it in the card's thread.\n"
    "3. Post the reply on the network and click *Mark as posted* with its link.\n"
    "Plain messages in a card's thread stay internal.\n"
    "• `/chorus customer @handle` shows a customer's history and how each mention was answered\n"
    "• `/chorus sources` shows each source's health: last success, last error, mentions in\n"
    "• `/chorus digest [DEPT|company] [this|YYYY-Www]` shows a weekly digest, only to you\n"
    "• `/chorus guidelines` shows what replies may say: the policy, in plain words\n"
    "• `/chorus idea` pitches a post idea (or the shortcut *Pitch a post idea*)\n"
    "• `/chorus role` lists the managers, leads and trusted people; managers and admins "
    "change them: `/chorus role add|remove @person manager|lead DEPT|trusted DEPT`\n"
    "• `/chorus trusted-lane on|off DEPT` lets a department's trusted people skip review\n"
    "• `/chorus stats [DEPT]` shows open mentions, the median time to a first answer this "
    "week, drafts in review and ideas in the pipeline\n"
    "Your claims, the drafts you review and your department's queue are on the *Home* tab "
    "of the Chorus app.\n"
    "Commands: `/claim`, `/draft`, `/mentions`, `/chorus help`."
)


def parse_id(word: str) -> int | None:
    """Read a mention number as people type it: 42 or #42."""
    digits = word.removeprefix("#")
    return int(digits) if digits.isdigit() else None


def usage(ack: Ack, usage: str, word: str) -> None:
    ack(response_type="ephemeral", text=usage_text(usage, word))


def usage_text(usage: str, word: str) -> str:
    prefix = "" if word in ("", "help") else f"I don't know “{truncate(word, 40)}”. "
    return prefix + usage


def command_word(command: dict[str, Any]) -> str:
    return str(command.get("text", "")).strip().lower()


# Each command's door (`handlers/door.py`): its usage for a word it doesn't know, else None.
# They read only the command's text and the configuration, so the acknowledgement is
# decided before the work is queued; the handlers below ask the same question again.


def claim_door(services: Services, command: dict[str, Any]) -> str | None:
    word = command_word(command)
    if word in ("", "next") or parse_id(word) is not None:
        return None
    return usage_text(CLAIM_USAGE, word)


def draft_door(services: Services, command: dict[str, Any]) -> str | None:
    word = command_word(command)
    if not word or parse_id(word) is not None:
        return None
    return usage_text(DRAFT_USAGE, word)


def mentions_door(services: Services, command: dict[str, Any]) -> str | None:
    word = command_word(command)
    keys = [d.key for d in services.config.department_list()]
    if word != "help" and word in ("", "open", "mine", *keys):
        return None
    return usage_text(MENTIONS_USAGE.format(keys=", ".join(keys)), word)


def refused_at_door(ack: Ack, problem: str | None) -> bool:
    """Acknowledge as the door did: with the usage when it found a problem (then True)."""
    ack(**door_answer(problem))
    return problem is not None


def handle_claim_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    services, user = services_of(context), command["user_id"]
    if refused_at_door(ack, claim_door(services, command)):
        return
    mention_id = parse_id(command_word(command))
    if mention_id is None:
        effects = workflow.claim_next(services, user, command.get("channel_id"))
    else:
        effects = workflow.claim(services, mention_id, user)
    apply_effects(effects, services, client, ephemeral(respond))


def handle_draft_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services, user = services_of(context), command["user_id"]
    if refused_at_door(ack, draft_door(services, command)):
        return
    mention_id = parse_id(command_word(command))
    if mention_id is None:
        mention_id = workflow.latest_claim(services, user)
    form, effects = workflow.start_draft(services, mention_id, user)
    view = build_draft_modal(form, command.get("channel_id"))
    client.views_open(trigger_id=command["trigger_id"], view=view)
    apply_effects(effects, services, client, None)


def handle_mentions_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    services = services_of(context)
    if refused_at_door(ack, mentions_door(services, command)):
        return
    text, blocks = build_mention_list(services, command_word(command), command["user_id"])
    respond(text=text, blocks=blocks, response_type="ephemeral")


def build_mention_list(
    services: Services, scope: str, user: str
) -> tuple[str, list[dict[str, Any]]]:
    title, cards, total = views.mention_list(services, scope, user)
    now = services.clock()
    if not cards:
        return f"{title}: none. Every customer has an answer or someone on it.", []
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{title}* ({total})"))]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=truncate(list_line(c, now), 3000))) for c in cards
    ]
    if total > len(cards):
        more = f"Showing the oldest {len(cards)} of {total}."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return f"{title} ({total})", [b.to_dict() for b in blocks]


def register(app: ChorusApp) -> None:
    app.door(Command.CLAIM, claim_door)
    app.command(Command.CLAIM)(handle_claim_command)
    app.door(Command.DRAFT, draft_door)
    app.command(Command.DRAFT)(handle_draft_command)
    app.door(Command.MENTIONS, mentions_door)
    app.command(Command.MENTIONS)(handle_mentions_command)
