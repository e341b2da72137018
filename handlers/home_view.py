"""The App Home: a person's own page in Chorus, built from `HomeData` by pure functions.

Slack allows 100 blocks in a Home. Each section shows its first items; when everything does
not fit, the longest sections give up their last items and say where the rest is.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.services.home import HomeData
from handlers.home_sections import Section, sections
from handlers.text import CONTEXT_LIMIT, SECTION_LIMIT, escape, truncate, user, when

MAX_BLOCKS = 100  # Slack's limit for a Home tab


def build_home(home: HomeData) -> View:
    """Return the person's Home: their claims, drafts to review, ideas, queues, wins, and
    the guidelines, within Slack's 100 blocks."""
    head = _head(home)
    parts = sections(home)
    fit(parts, MAX_BLOCKS - len(head) - (len(parts) - 1))
    blocks = list(head)
    for number, section in enumerate(parts):
        if number:
            blocks.append(DividerBlock())
        blocks += section.render()
    return View(type="home", blocks=blocks)


def fit(sections: list[Section], budget: int) -> None:
    """Hide the last items of the longest sections until every section fits in `budget`."""
    while sum(s.size() for s in sections) > budget:
        shrinkable = [s for s in sections if s.shown > 0]
        if not shrinkable:
            return
        longest = max(shrinkable, key=lambda s: sum(len(i) for i in s.items[: s.shown]))
        longest.shown -= 1


def _head(home: HomeData) -> list[Block]:
    blocks: list[Block] = []
    if home.notice:
        # Chorus's own sentence (it may name people), answering a click on this Home.
        notice = truncate(f":point_right: {home.notice}", SECTION_LIMIT)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=notice)))
    greeting = f"*Hi {user(home.user_id)}!* Here is what Chorus has for you."
    blocks.append(SectionBlock(text=MarkdownTextObject(text=greeting)))
    about = f"{_role_line(home)} · updated {when(home.now)}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=truncate(about, CONTEXT_LIMIT))]))
    return blocks


def _role_line(home: HomeData) -> str:
    if home.actor.is_manager:
        return "You're a social media manager: you review drafts from every department"
    if home.lead_of:
        names = " and ".join(f"*{escape(d.name)}*" for d in home.lead_of)
        their = "its" if len(home.lead_of) == 1 else "their"
        return f"You lead {names}: you review {their} drafts"
    return "Claim a mention, draft a reply, and a lead of the department reviews it"
