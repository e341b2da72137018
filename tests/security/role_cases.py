"""The actions tests/handlers/test_role_matrix.py does not try: Revise, Retry, Update results,
Show next 10, See open mentions, Open post, the ideas' Approve and Decline, the pitch and log
shortcuts and modals, typing a reply, the slash commands and the /chorus verbs that only read.

Each is a `Case`: how to get there, what to do as one person, whether it happened, who may,
and the sentence everyone else reads. The people and the first steps are the matrix's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.domain.model import DraftStatus
from bot.services import views
from storage.models import IdeaRow, MentionRow, PublicationRow
from tests.handlers.test_role_matrix import (
    EVERYONE,
    NOBODY,
    REVIEWERS,
    approved,
    claimed_by_ana,
    in_review,
    nothing,
    routed,
)
from tests.security.role_acts import (
    A_MESSAGE,
    Act,
    a_digest,
    anas_dm,
    click,
    command,
    idea_card,
    pitch_by_command,
    pitch_values,
    shortcut,
    type_a_reply,
)
from tests.support.publishing_workspace import Networks
from tests.support.spike_workspace import storm, summary_message
from tests.support.workspace import ANA, LEAD, Workspace

Said = list[str]
MIN_SPIKE = 12
NOT_THE_WRITER = "<@U0ANA> claimed this mention, so they write its reply."
NOT_A_PUBLISHER = "Only the reply's author or a reviewer can publish it."
NOT_AN_IDEA_DECIDER = "Only a lead of the idea's department or a social media manager"


@dataclass(frozen=True)
class Case:
    prepare: Callable[[Workspace, Networks], None]
    act: Act
    happened: Callable[[Workspace, Said], bool]
    allowed: frozenset[str]
    refusal: str = ""


def count(ws: Workspace, model: type, *where: Any) -> int:
    from sqlalchemy import func, select

    with ws.chorus.services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# -- getting there --------------------------------------------------------------------------


def changes_requested(ws: Workspace, nets: Networks) -> None:
    in_review(ws)
    ws.slack.click(ws.review_message(1), "Request changes", LEAD)
    ws.slack.submit(ws.open_view(), {"note": "Add the status page link."}, LEAD)
    ws.deliver()


def publish_failed(ws: Workspace, nets: Networks) -> None:
    approved(ws)
    nets.mastodon.fail("/api/v1/statuses", 500)
    ws.slack.click(ws.review_message(1), "Publish", ANA)
    ws.deliver()


def posted_by_hand(ws: Workspace, nets: Networks) -> None:
    approved(ws)
    ws.slack.click(ws.review_message(1), "Mark as posted", ANA)
    ws.slack.submit(ws.open_view(), {"live_url": "https://social.example/@brand/9"}, ANA)
    ws.deliver()


def in_a_spike(ws: Workspace, nets: Networks) -> None:
    ws.receive(*storm(MIN_SPIKE))


def idea_pitched(ws: Workspace, nets: Networks) -> None:
    ws.slack.command("/chorus", "idea", ANA)
    ws.slack.submit(ws.open_view(), pitch_values(), ANA)
    ws.deliver()


def first(step: Callable[[Workspace], None]) -> Callable[[Workspace, Networks], None]:
    return lambda ws, nets: step(ws)


# -- what happened ------------------------------------------------------------------------


def answered(ws: Workspace, said: Said) -> bool:
    return bool(said) and not any("Something went wrong" in s for s in said)


def draft_v2_in_review(ws: Workspace, said: Said) -> bool:
    draft = views.card(ws.chorus.services, 1).draft
    return draft is not None and draft.version == 2 and draft.status is DraftStatus.IN_REVIEW


def published(ws: Workspace, said: Said) -> bool:
    return views.card(ws.chorus.services, 1).mention.state.value == "published"


def five_likes(ws: Workspace, said: Said) -> bool:
    return count(ws, PublicationRow, PublicationRow.likes == 5) == 1


def more_cards(ws: Workspace, said: Said) -> bool:
    return count(ws, MentionRow, MentionRow.card_ts.is_not(None)) > 6


def idea_is(status: str) -> Callable[[Workspace, Said], bool]:
    return lambda ws, said: count(ws, IdeaRow, IdeaRow.status == status) == 1


def an_idea_pitched(ws: Workspace, said: Said) -> bool:
    return count(ws, IdeaRow) == 1


def a_second_mention(ws: Workspace, said: Said) -> bool:
    return count(ws, MentionRow) == 2


def policy_checked_as_typed(ws: Workspace, said: Said) -> bool:
    return "views.update" in ws.standin.methods()


def a_form_opened(ws: Workspace, said: Said) -> bool:
    return bool(ws.standin.views())


def claimed(ws: Workspace, said: Said) -> bool:
    return views.card(ws.chorus.services, 1).mention.claimed_by is not None


def nothing_changed(ws: Workspace, said: Said) -> bool:
    return not said and views.card(ws.chorus.services, 1).mention.state.value == "routed"


CASES: dict[str, Case] = {
    "revise": Case(
        changes_requested,
        click("Revise draft", anas_dm, reply="Hi Ana! See status.example."),
        draft_v2_in_review,
        NOBODY,
        NOT_THE_WRITER,
    ),
    "retry-publish": Case(
        publish_failed,
        click("Retry", lambda ws: ws.review_message(1)),
        published,
        REVIEWERS,
        NOT_A_PUBLISHER,
    ),
    "update-results": Case(
        posted_by_hand,
        click("Update results", lambda ws: ws.card(1), likes="5"),
        five_likes,
        EVERYONE,
    ),
    "show-next": Case(
        in_a_spike,
        click("Show next 10", summary_message),
        more_cards,
        EVERYONE,
    ),
    "see-open-mentions": Case(
        first(routed), click("See open mentions", a_digest), answered, EVERYONE
    ),
    "open-post": Case(
        first(routed), click("Open post", lambda ws: ws.card(1)), nothing_changed, EVERYONE
    ),
    "approve-idea": Case(
        idea_pitched,
        click("Approve", idea_card),
        idea_is("approved"),
        REVIEWERS,
        NOT_AN_IDEA_DECIDER,
    ),
    "decline-idea": Case(
        idea_pitched,
        click("Decline", idea_card, note="Not this quarter."),
        idea_is("declined"),
        REVIEWERS,
        NOT_AN_IDEA_DECIDER,
    ),
    "pitch-idea-command": Case(first(nothing), pitch_by_command, an_idea_pitched, EVERYONE),
    "pitch-idea-shortcut": Case(
        first(nothing), shortcut("pitch_post_idea"), an_idea_pitched, EVERYONE
    ),
    "pitch-from-message": Case(
        first(nothing), shortcut("pitch_as_post_idea", **A_MESSAGE), an_idea_pitched, EVERYONE
    ),
    "log-mention": Case(
        first(routed), shortcut("log_customer_mention", **A_MESSAGE), a_second_mention, EVERYONE
    ),
    "type-reply": Case(first(routed), type_a_reply, policy_checked_as_typed, EVERYONE),
    "claim-command": Case(first(routed), command("/claim", "1"), claimed, EVERYONE),
    "draft-command-anothers-claim": Case(
        first(claimed_by_ana), command("/draft", "1"), a_form_opened, NOBODY, NOT_THE_WRITER
    ),
    "mentions-command": Case(first(routed), command("/mentions", "open"), answered, EVERYONE),
}
READING_VERBS = ("help", "customer @ana@social.example", "sources", "guidelines", "digest", "stats")
for verb in (*READING_VERBS, "role list"):
    CASES[f"chorus {verb.split()[0]}"] = Case(
        first(routed), command("/chorus", verb), answered, EVERYONE
    )
