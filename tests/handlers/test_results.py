"""Update results on a reply the team posted by hand, through the real Bolt app.

Numbers read off the network become the reply's score on its card (with the weights of
`[score]`), every save is kept as a snapshot and audited, a bad number comes back beside its
field and changes nothing, and how the customer answered counts once.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.services.transfer_files import export_all
from bot.standin import SlackStandIn
from storage import publishing as store
from storage.models import EventRow, FollowUpRow, PublicationRow, SnapshotRow
from tests.support.publishing_workspace import Networks, approved, networks, publishing_workspace
from tests.support.slack import button_labels, message_text
from tests.support.workspace import (
    ANA,
    BEN,
    CONFIG_TOML,
    LEAD,
    MANAGER,
    Workspace,
    make_workspace,
    mention,
)

LIVE = "https://www.linkedin.com/feed/update/2"
NUMBERS = ("shares", "quotes", "replies", "clicks", "likes")
# shares 2 · quotes 1 · replies 1 · clicks 3 · likes 4
SOME = {"shares": "2", "quotes": "1", "replies": "1", "clicks": "3", "likes": "4"}


def linkedin_mention() -> dict[str, Any]:
    return mention(
        network="linkedin", external_id="li-1", url="https://www.linkedin.com/feed/update/1"
    )


def posted_by_hand(ws: Workspace) -> None:
    """A LinkedIn mention (no connector): Ana drafts, the lead approves, Ana posts it herself."""
    ws.receive(linkedin_mention())
    ws.slack.click(ws.card(1), "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! The export works again."}, ANA)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Approve", LEAD)
    ws.deliver()
    ws.slack.click(ws.review_message(1), "Mark as posted", ANA)
    response = ws.slack.submit(ws.open_view(), {"live_url": LIVE}, ANA)
    assert response.status == 200 and response.body == "", response.body
    ws.deliver()


def update_results(ws: Workspace, values: dict[str, Any], user: str = ANA) -> Any:
    """Click Update results on the card and save the form with these values."""
    ws.slack.click(ws.card(1), "Update results", user)
    response = ws.slack.submit(ws.open_view(), values, user)
    ws.deliver()
    return response


def score_line(ws: Workspace) -> str:
    [line] = [
        line
        for line in message_text(ws.card(1)).splitlines()
        if line.startswith(":chart_with_upwards_trend:")
    ]
    return line


def publication(ws: Workspace) -> PublicationRow:
    with ws.chorus.services.sessions() as session:
        row = store.publication_of_mention(session, 1)
        assert row is not None
        return row


def updates(ws: Workspace) -> list[SnapshotRow]:
    """The snapshots people recorded with Update results (not the scheduled ones)."""
    with ws.chorus.services.sessions() as session:
        rows = store.snapshots_of(session, publication(ws).id)
        return [row for row in rows if row.label == "update"]


def results_events(ws: Workspace) -> list[EventRow]:
    with ws.chorus.services.sessions() as session:
        query = select(EventRow).where(EventRow.kind == "results").order_by(EventRow.id)
        return list(session.scalars(query).all())


def follow_ups(ws: Workspace) -> list[FollowUpRow]:
    with ws.chorus.services.sessions() as session:
        return list(store.follow_ups_of(session, publication(ws).id))


def errors_of(response: Any) -> dict[str, str]:
    body = json.loads(response.body)
    assert body["response_action"] == "errors", body
    errors: dict[str, str] = body["errors"]
    return errors


def numbers_of(row: PublicationRow | SnapshotRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in (*NUMBERS, "positive_follow_ups", "score")}


# -- the card before any results -----------------------------------------------------------


def test_a_reply_posted_by_hand_says_its_first_results_come_in_an_hour(
    workspace: Workspace,
) -> None:
    ws = workspace
    posted_by_hand(ws)

    assert score_line(ws) == (
        ":chart_with_upwards_trend: Score 0 · no engagement yet · first results an hour after "
        "posting"
    )
    assert button_labels(ws.card(1)) == ["Update results", "Open post"]


def test_update_results_opens_a_form_starting_from_the_last_numbers(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)

    ws.slack.click(ws.card(1), "Update results", BEN)

    modal = ws.open_view()
    assert modal["callback_id"] == "results_modal"
    fields = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert [fields[name]["initial_value"] for name in NUMBERS] == ["0"] * 5
    assert fields["customer_answer"]["initial_option"]["value"] == "none"
    assert "LinkedIn" in json.dumps(modal["blocks"])

    ws.slack.submit(modal, {**SOME, "customer_answer": {"option": "thanks"}}, BEN)
    ws.slack.click(ws.card(1), "Update results", BEN)

    fields = {b["block_id"]: b["element"] for b in ws.open_view()["blocks"] if b["type"] == "input"}
    assert [fields[name]["initial_value"] for name in NUMBERS] == ["2", "1", "1", "3", "4"]
    assert fields["customer_answer"]["initial_option"]["value"] == "thanks"


# -- numbers make the score -----------------------------------------------------------------


def test_numbers_read_off_the_network_make_the_score_on_the_card(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)
    updates_before = len(ws.standin.calls_to("chat.update"))

    response = update_results(ws, SOME)

    assert response.status == 200 and response.body == ""
    # 2 shares × 3 + 1 quote × 3 + 1 reply × 2 + 3 clicks × 2 + 4 likes × 1
    assert score_line(ws) == (
        ":chart_with_upwards_trend: Score 21 · 2 shares, 1 quote, 1 reply, 3 link clicks, 4 likes"
    )
    assert len(ws.standin.calls_to("chat.update")) > updates_before, "the card was re-rendered"
    assert numbers_of(publication(ws)) == {
        "shares": 2,
        "quotes": 1,
        "replies": 1,
        "clicks": 3,
        "likes": 4,
        "positive_follow_ups": 0,
        "score": 21,
    }
    [update] = updates(ws)
    assert (update.source, update.recorded_by) == ("manual", ANA)
    assert update.taken_at is not None
    assert numbers_of(update) == numbers_of(publication(ws))
    [event] = results_events(ws)
    assert (event.actor, event.mention_id) == (ANA, 1)


CUSTOM_SCORE = CONFIG_TOML + "\n[score]\nshares = 10\nclicks = 0\nlikes = 0.5\n"


@pytest.fixture
def custom_weights(sqlite_url: str, standin: SlackStandIn) -> Iterator[Workspace]:
    """A workspace whose chorus.toml weighs shares 10, clicks 0 and likes 0.5."""
    ws = make_workspace(sqlite_url, standin, config_toml=CUSTOM_SCORE)
    yield ws
    ws.chorus.services.sessions.kw["bind"].dispose()


def test_the_score_uses_the_weights_of_chorus_toml(custom_weights: Workspace) -> None:
    ws = custom_weights
    posted_by_hand(ws)

    update_results(ws, {**SOME, "likes": "3"})

    # 2 shares × 10 + 1 quote × 3 + 1 reply × 2 + 3 clicks × 0 + 3 likes × 0.5
    assert score_line(ws).startswith(":chart_with_upwards_trend: Score 26.5 · 2 shares")
    assert publication(ws).score == 26.5
    [update] = updates(ws)
    assert update.score == 26.5


def test_numbers_may_be_written_with_thousands_separators(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)

    update_results(ws, {**SOME, "likes": "1,200", "clicks": " 12 "})

    row = publication(ws)
    assert (row.likes, row.clicks) == (1200, 12)
    assert "12 link clicks, 1200 likes" in score_line(ws)


def test_an_empty_field_keeps_the_number_it_had(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)
    update_results(ws, SOME)

    update_results(ws, {**SOME, "likes": "", "shares": "5"})

    row = publication(ws)
    assert (row.shares, row.likes) == (5, 4)
    assert len(updates(ws)) == 2


def test_saving_again_replaces_the_numbers_and_keeps_each_reading(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)
    update_results(ws, SOME, ANA)

    update_results(ws, {**SOME, "likes": "10"}, MANAGER)

    assert publication(ws).likes == 10 and publication(ws).score == 27
    assert [(u.recorded_by, u.likes, u.score) for u in updates(ws)] == [
        (ANA, 4, 21),
        (MANAGER, 10, 27),
    ]
    assert [e.actor for e in results_events(ws)] == [ANA, MANAGER]


# -- a bad number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["twelve", "-3", "1.5", "1e3", "²", "0x10", "1" * 12],
    ids=["word", "negative", "decimal", "exponent", "superscript", "hex", "too large"],
)
def test_a_bad_number_comes_back_beside_its_field_and_changes_nothing(
    workspace: Workspace, bad: str
) -> None:
    ws = workspace
    posted_by_hand(ws)
    update_results(ws, SOME)
    card_before, row_before = ws.card(1), numbers_of(publication(ws))

    response = update_results(ws, {**SOME, "shares": "9", "likes": bad})

    assert response.status == 200
    assert errors_of(response) == {
        "likes": "Likes must be a whole number, like 12 (or leave it empty)."
    }
    assert numbers_of(publication(ws)) == row_before
    assert len(updates(ws)) == 1 and len(results_events(ws)) == 1
    assert ws.card(1) == card_before


def test_every_bad_number_is_named_at_once(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)

    response = update_results(ws, {**SOME, "shares": "a few", "clicks": "lots"})

    assert sorted(errors_of(response)) == ["clicks", "shares"]
    assert "Link clicks must be a whole number" in errors_of(response)["clicks"]
    assert updates(ws) == [] and results_events(ws) == []
    assert publication(ws).score == 0


# -- how the customer answered ---------------------------------------------------------------


def test_thanks_adds_five_and_the_card_says_the_customer_answered_warmly(
    workspace: Workspace,
) -> None:
    ws = workspace
    posted_by_hand(ws)
    update_results(ws, SOME)

    update_results(ws, {**SOME, "customer_answer": {"option": "thanks"}})

    assert publication(ws).score == 21 + 5
    assert publication(ws).positive_follow_ups == 1
    line = score_line(ws)
    assert line.startswith(":chart_with_upwards_trend: Score 26 · ")
    assert line.endswith("4 likes, the customer answered warmly")
    assert "customer: “" not in line, "a colleague's word is not quoted as the customer's"
    [said] = follow_ups(ws)
    assert said.positive and said.text == f"reported by <@{ANA}>"


def test_saving_thanks_twice_counts_it_once(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)

    update_results(ws, {**SOME, "customer_answer": {"option": "thanks"}})
    update_results(ws, {**SOME, "customer_answer": {"option": "thanks"}}, MANAGER)

    assert publication(ws).score == 26
    [said] = follow_ups(ws)
    assert said.text == f"reported by <@{MANAGER}>"


def test_switching_back_to_no_answer_takes_the_five_away(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)
    update_results(ws, {**SOME, "customer_answer": {"option": "thanks"}})

    update_results(ws, {**SOME, "customer_answer": {"option": "none"}})

    assert publication(ws).score == 21
    assert publication(ws).positive_follow_ups == 0
    assert "answered warmly" not in score_line(ws)
    assert follow_ups(ws) == []


def test_an_unhappy_customer_adds_nothing(workspace: Workspace) -> None:
    ws = workspace
    posted_by_hand(ws)
    update_results(ws, {**SOME, "customer_answer": {"option": "thanks"}})

    update_results(ws, {**SOME, "customer_answer": {"option": "unhappy"}})

    assert publication(ws).score == 21
    assert "answered warmly" not in score_line(ws)
    [said] = follow_ups(ws)
    assert not said.positive


# -- where the button is ---------------------------------------------------------------------


def test_the_button_is_not_on_cards_before_the_reply_is_posted(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(linkedin_mention())
    seen = [button_labels(ws.card(1))]
    ws.slack.click(ws.card(1), "Claim", ANA)
    seen.append(button_labels(ws.card(1)))
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! The export works again."}, ANA)
    ws.deliver()
    seen.append(button_labels(ws.card(1)))
    ws.slack.click(ws.review_message(1), "Approve", LEAD)
    ws.deliver()
    seen.append(button_labels(ws.card(1)))

    assert all("Update results" not in labels for labels in seen), seen
    assert "Score" not in message_text(ws.card(1))


def test_the_button_is_not_on_a_dismissed_card(workspace: Workspace) -> None:
    ws = workspace
    ws.receive(linkedin_mention())
    ws.slack.click(ws.card(1), "Dismiss", LEAD)
    ws.slack.submit(ws.open_view(), {"reason": "spam"}, LEAD)
    ws.deliver()

    assert "Update results" not in button_labels(ws.card(1))


@pytest.fixture
def nets() -> Iterator[Networks]:
    with networks() as both:
        both.mastodon.customer_status()
        yield both


def test_the_button_is_not_on_a_card_chorus_published_itself(
    sqlite_url: str, standin: SlackStandIn, nets: Networks
) -> None:
    ws = publishing_workspace(sqlite_url, standin, nets)
    try:
        approved(ws, mention())
        ws.slack.click(ws.review_message(1), "Publish", ANA)
        ws.deliver()

        card = ws.card(1)
        assert "Score 0 · no engagement yet" in message_text(card)
        assert button_labels(card) == ["Open post"]
    finally:
        ws.chorus.services.sessions.kw["bind"].dispose()


# -- the export --------------------------------------------------------------------------------


def test_the_export_holds_every_snapshot_with_who_recorded_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    posted_by_hand(ws)
    update_results(ws, SOME)

    counts = export_all(ws.chorus.services, tmp_path)

    with (tmp_path / "engagement_snapshots.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert counts["engagement_snapshots"] == len(rows) == 6
    assert sorted(r["label"] for r in rows) == ["1h", "24h", "6h", "72h", "7d", "update"]
    [update] = [r for r in rows if r["label"] == "update"]
    assert (update["source"], update["recorded_by"]) == ("manual", ANA)
    assert (update["shares"], update["likes"], float(update["score"])) == ("2", "4", 21.0)
    assert all(r["taken_at"] == "" for r in rows if r["label"] != "update")
