"""The sections of the App Home, each from `HomeData`: pure functions, customer text escaped.

Buttons reuse the action ids of the cards and review messages, so the same listeners act on
a click here; their block ids carry the item's id, as a view's block ids must be unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.clock import duration
from bot.domain.digest import Win
from bot.domain.ideas import Idea, IdeaStatus
from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Network, State
from bot.services.home import HomeData, Queue
from bot.services.views import Card, Review
from handlers.cards import list_line
from handlers.guidelines_view import build_guidelines_blocks
from handlers.ids import Action
from handlers.reviews import review_buttons
from handlers.text import CONTEXT_LIMIT, SECTION_LIMIT, escape, link, truncate, user

DRAFT_SHOWN = 1500  # characters of a draft shown on the Home; Edit & approve shows it all


@dataclass
class Section:
    """A titled part of the Home: what it always says, its items (a few blocks each), how
    many items exist in all, and where to see the ones that do not fit."""

    title: str
    intro: list[Block]
    items: Sequence[Sequence[Block]]
    total: int
    more: str = "in /mentions"
    shown: int = field(init=False)

    def __post_init__(self) -> None:
        self.shown = len(self.items)

    @property
    def overflows(self) -> bool:
        return self.shown < max(self.total, len(self.items))

    def size(self) -> int:
        shown = sum(len(item) for item in self.items[: self.shown])
        return 1 + len(self.intro) + shown + (1 if self.overflows else 0)

    def render(self) -> list[Block]:
        blocks: list[Block] = [HeaderBlock(text=truncate(self.title, 150)), *self.intro]
        for item in self.items[: self.shown]:
            blocks += item
        if self.overflows:
            hidden = max(self.total, len(self.items)) - self.shown
            blocks.append(_note(f"…and {hidden} more {self.more}"))
        return blocks


def sections(home: HomeData) -> list[Section]:
    """The Home's sections, in reading order; drafts to review only for reviewers."""
    found = [_claimed(home)]
    if home.reviews is not None:
        found.append(_reviews(home))
    found += [_ideas(home), _queues(home), _wins(home), _guidelines(home)]
    return found


def _text(text: str, limit: int = SECTION_LIMIT) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, limit)))


def _note(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, CONTEXT_LIMIT))])


def _claimed(home: HomeData) -> Section:
    intro: list[Block] = []
    if not home.claimed.total:
        intro.append(
            _text(
                "Nothing on your plate. Claim a mention from a queue below, or type "
                "`/claim next`: the oldest waiting mention is yours."
            )
        )
    items = [_claimed_item(card, home) for card in home.claimed.items]
    return Section("Mentions you claimed", intro, items, home.claimed.total, "in /mentions mine")


def _claimed_item(card: Card, home: HomeData) -> list[Block]:
    blocks: list[Block] = [_text(list_line(card, home.now))]
    if card.mention.state is State.CLAIMED:
        value = str(card.mention.id)
        buttons = [
            ButtonElement(text="Draft reply", action_id=Action.DRAFT, value=value, style="primary"),
            ButtonElement(text="Unclaim", action_id=Action.UNCLAIM, value=value),
        ]
        blocks.append(ActionsBlock(block_id=f"home_claimed_{value}", elements=buttons))
    return blocks


def _reviews(home: HomeData) -> Section:
    assert home.reviews is not None
    intro: list[Block] = []
    if not home.reviews.total:
        intro.append(_text("No draft is waiting for you. Thank you for keeping replies moving."))
    items = [_review_item(review) for review in home.reviews.items]
    return Section(
        "Drafts waiting for your review", intro, items, home.reviews.total, "in /mentions open"
    )


def _review_item(review: Review) -> list[Block]:
    draft, card = review.draft, review.card
    network = NETWORK_NAMES[card.mention.network]
    dept = f" · {escape(card.department.name)}" if card.department else ""
    who = escape(card.customer.handle) if card.customer else "someone"
    said = escape(truncate(" ".join(card.mention.text.split()), 200))
    head = (
        f"*Draft v{draft.version}* by {user(draft.author)} · reply to *#{card.mention.id}* "
        f"on {network}{dept}\n{who} wrote: “{said}”"
    )
    text = PlainTextObject(text=truncate(draft.text_to_post, DRAFT_SHOWN), emoji=False)
    blocks: list[Block] = [_text(head), SectionBlock(text=text)]
    buttons = review_buttons(review)
    if buttons:
        blocks.append(ActionsBlock(block_id=f"home_review_{draft.id}", elements=buttons))
    return blocks


def _ideas(home: HomeData) -> Section:
    intro: list[Block] = []
    if not home.ideas.total:
        intro.append(_text("You have not pitched a post idea yet. Got one? Type `/chorus idea`."))
    items = [[_text(_idea_line(idea, home))] for idea in home.ideas.items]
    return Section("Your post ideas", intro, items, home.ideas.total, "(older ones)")


IDEA_STATES = {
    IdeaStatus.PITCHED: ":seedling: waiting for a lead or a manager to decide",
    IdeaStatus.APPROVED: ":writing_hand: approved",
    IdeaStatus.DECLINED: ":leaves: declined",
    IdeaStatus.SHIPPED: ":rocket: live",
}


def _idea_line(idea: Idea, home: HomeData) -> str:
    department = next(
        (q.department.name for q in home.queues.items if q.department.key == idea.department_key),
        idea.department_key,
    )
    state = IDEA_STATES[idea.status]
    if idea.status is IdeaStatus.APPROVED:
        state += f" by {user(idea.decided_by)}"
        state += f": write it as *#{idea.mention_id}*" if idea.mention_id else ""
    elif idea.status is IdeaStatus.DECLINED:
        reason = escape(truncate(idea.decline_reason or "", 300))
        state += f" by {user(idea.decided_by)}: “{reason}”"
    elif idea.status is IdeaStatus.SHIPPED:
        state += f": {link(idea.shipped_url, 'see the post')}"
    return f"*{escape(truncate(idea.title, 150))}* · {escape(department)}\n{state}"


QUEUE_BASIS = {
    "manager": "Every department: you are a social media manager.",
    "lead": "The departments you lead.",
    "recent": "The departments you worked in over the last 30 days.",
    "all": "Every department, until you work on a mention: then yours show here.",
}


def _queues(home: HomeData) -> Section:
    title = "Your department's queue" if home.queues.total == 1 else "Department queues"
    items = [[_queue_item(queue, home)] for queue in home.queues.items]
    more = "departments in /mentions KEY"
    return Section(title, [_note(QUEUE_BASIS[home.queue_basis])], items, home.queues.total, more)


def _queue_item(queue: Queue, home: HomeData) -> SectionBlock:
    name = f"*{escape(queue.department.name)}*"
    if not queue.open:
        return _text(f"{name} · nothing open: every customer has an answer. :tada:")
    line = f"{name} · {queue.open} open, {queue.waiting} waiting for someone"
    if queue.oldest_open_at:
        line += f" · the oldest has waited {duration(home.now - queue.oldest_open_at)}"
    button = None
    if queue.next_up is not None:
        line += f"\nNext up: {list_line(queue.next_up, home.now).splitlines()[0]}"
        button = ButtonElement(
            text="Claim", action_id=Action.CLAIM, value=str(queue.next_up.mention.id)
        )
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(line, SECTION_LIMIT)), accessory=button
    )


def _wins(home: HomeData) -> Section:
    wins = home.wins
    if not wins.live:
        intro: list[Block] = [
            _text(
                "No reply has gone live yet this week. The first one is worth celebrating: "
                "claim a mention and answer it."
            )
        ]
        return Section("This week's wins", intro, [], 0, "")
    replies = "reply" if wins.live == 1 else "replies"
    intro = [_note(f"Week of {wins.week.describe()}, so far: {wins.live} {replies} live.")]
    if wins.people:
        thanks = ", ".join(user(p) for p in wins.people)
        intro.append(_note(f":clap: Thank you {thanks}."))
    items = [[_text(_win_line(win))] for win in wins.best]
    return Section("This week's wins", intro, items, len(wins.best), "in /chorus digest this")


def _win_line(win: Win) -> str:
    network = NETWORK_NAMES.get(Network(win.network), win.network)
    where = f" ({escape(win.department)})" if win.department else ""
    reply = escape(truncate(" ".join(win.reply_text.split()), 200))
    line = f"• Reply to *{escape(win.customer)}* on {network}{where}: “{reply}” "
    line += link(win.url, "see it live")
    if win.warm_words:
        line += f"\n    They said: “{escape(truncate(win.warm_words, 200))}”"
    return line


def _guidelines(home: HomeData) -> Section:
    blocks = build_guidelines_blocks(home.guidelines)
    # The guidelines bring their own title; the rest of their blocks are the items.
    head = blocks[0] if blocks and isinstance(blocks[0], HeaderBlock) else None
    title = head.text.text if head is not None and head.text else "Guidelines"
    body = blocks[1:] if head is not None else blocks
    return Section(title, [], [[b] for b in body], len(body), "in /chorus guidelines")
