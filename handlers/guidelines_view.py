"""The policy in plain language: `/chorus guidelines`, and the App Home's guidelines."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.policy import Disclosure, Guidelines, Policy
from handlers.text import SECTION_LIMIT, escape, truncate

TITLE = "Guidelines for public replies"


def build_guidelines_blocks(guidelines: Guidelines) -> list[Block]:
    """What a reply must never contain, how to sign it, where it may link, its tone, who
    reviews it and when it may skip review: one section each (seven blocks)."""
    policy = guidelines.policy
    sections = [
        _never(policy),
        _disclosure(policy, guidelines.suggested_line),
        _links(policy),
        _tone(),
        _review(bool(guidelines.trusted_lanes)),
        _trusted_lane(guidelines.trusted_lanes, guidelines.trusted_in),
    ]
    blocks: list[Block] = [HeaderBlock(text=TITLE)]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=truncate(s, SECTION_LIMIT))) for s in sections
    ]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="The draft form checks your reply as you type; the same checks run "
                    "when you submit it."
                )
            ]
        )
    )
    return blocks


def build_guidelines_message(guidelines: Guidelines) -> tuple[str, list[Block]]:
    """The ephemeral answer to `/chorus guidelines`, with its text fallback."""
    return TITLE, build_guidelines_blocks(guidelines)


def _listed(items: Sequence[str]) -> str:
    return ", ".join(f"“{escape(item)}”" for item in items)


def _never(policy: Policy) -> str:
    if policy.blocked_terms:
        names = f"Chorus stops a reply that mentions {_listed(policy.blocked_terms)}."
    else:
        names = "No list is set up: use your judgement."
    contacts = (
        f" You may give our own contacts: {_listed(policy.allowed_contacts)}."
        if policy.allowed_contacts
        else ""
    )
    return (
        ":no_entry: *Never in a reply* (Chorus stops the draft)\n"
        f"• Internal names, project code names and anything proprietary. {names}\n"
        "• Personal data: e-mail addresses, phone numbers, card numbers. Ask the customer to "
        f"send them privately instead.{contacts}"
    )


def _disclosure(policy: Policy, line: str | None) -> str:
    if policy.disclosure is Disclosure.OFF or line is None:
        return ":bust_in_silhouette: *Say who you are*: signing replies is up to you."
    consequence = (
        "Chorus stops a draft without it."
        if policy.disclosure is Disclosure.BLOCK
        else "Without it, the reviewer sees a warning."
    )
    return (
        ":bust_in_silhouette: *Say who you are*: end every reply with a line that starts with "
        f"a dash and gives your first name. {consequence}\nYours: {escape(line)}"
    )


def _links(policy: Policy) -> str:
    if not policy.allowed_domains:
        return ":link: *Links*: any site, as long as it helps the customer."
    domains = ", ".join(escape(d) for d in policy.allowed_domains)
    return (
        f":link: *Links*: only to {domains} (and their subdomains). A link elsewhere gets a "
        "warning for the reviewer."
    )


def _tone() -> str:
    return (
        ":speech_balloon: *Tone*: write in normal case (a reply mostly in capitals reads as "
        "shouting) and stay calm and kind, even when the customer is not. Chorus warns about "
        "shouting and, in English, about a negative or hostile tone."
    )


def _review(lanes: bool) -> str:
    but = " (but for the trusted lane, below)" if lanes else ""
    return (
        ":eyes: *Who reviews*: a lead of the mention's department or a social media manager "
        f"approves every reply before it goes public{but}. Warnings travel with the draft to "
        "them."
    )


def _trusted_lane(departments: Sequence[str], yours: Sequence[str]) -> str:
    if not departments:
        return ":zap: *Trusted lane*: no department lets replies skip review right now."
    names = ", ".join(escape(d) for d in departments)
    you = (
        f"\nYou are trusted in {', '.join(escape(d) for d in yours)}."
        if yours
        else "\nA social media manager can make people trusted (`/chorus role add`)."
    )
    return (
        f":zap: *Trusted lane* in {names}: a trusted person's reply to praise or a neutral "
        "mention goes out without review when the guidelines find nothing in it. It is "
        "recorded as approved (trusted) and still appears in the thread; complaints and "
        f"questions always get a review.{you}"
    )
