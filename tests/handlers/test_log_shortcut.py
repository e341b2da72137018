"""The message shortcut "Log as customer mention": a post someone saw elsewhere, pasted in
Slack, becomes a mention through a modal (network, link, author), and its card goes to the
department that answers it.
"""

from __future__ import annotations

import json
from typing import Any

from bot.services import views
from storage.models import EventRow, MentionRow
from tests.support.slack import TEAM, message_text
from tests.support.workspace import ANA, BEN, Workspace

PASTED = "Customer on Mastodon says: my refund never arrived and nobody answers"
POST_URL = "https://social.example/@carla/110200"


def use_shortcut(ws: Workspace, text: str = PASTED, user: str = ANA) -> Any:
    """Run "Log as customer mention" on a message in #random, as Slack sends it."""
    payload = {
        "type": "message_action",
        "callback_id": "log_customer_mention",
        "trigger_id": ws.slack.trigger_id(),
        "action_ts": "1763900000.000100",
        "team": TEAM,
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "channel": {"id": "C0RANDOM", "name": "random"},
        "message_ts": "1763899000.000200",
        "message": {
            "type": "message",
            "user": "U0SOMEONE",
            "ts": "1763899000.000200",
            "text": text,
        },
        "response_url": ws.standin.response_url(f"shortcut-{user}", channel="C0RANDOM", user=user),
    }
    return ws.slack.send({"payload": json.dumps(payload)})


def answers(
    network: str = "mastodon",
    url: str = POST_URL,
    author: str = "@carla@social.example",
    text: str = PASTED,
) -> dict[str, Any]:
    return {
        "log_network": {"option": network},
        "log_url": url,
        "log_author": author,
        "log_text": text,
    }


def ack_of(response: Any) -> dict[str, Any]:
    assert response.status == 200, response.body
    body: dict[str, Any] = json.loads(response.body)
    return body


def shown_text(view: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in view["blocks"] if "text" in b)


def log(ws: Workspace, **changes: str) -> dict[str, Any]:
    """Use the shortcut and submit the modal; return what the submission answered."""
    use_shortcut(ws)
    return ack_of(ws.slack.submit(ws.open_view(), answers(**changes), ANA))


def test_the_shortcut_opens_the_modal_with_the_message_text(workspace: Workspace) -> None:
    ws = workspace

    response = use_shortcut(ws)

    assert response.status == 200
    [opened] = ws.standin.calls_to("views.open")
    assert opened.args["trigger_id"] == "trigger-1"
    modal = ws.open_view()
    assert modal["callback_id"] == "log_mention_modal"
    assert modal["title"]["text"] == "Log customer mention"
    blocks = {b["block_id"]: b for b in modal["blocks"]}
    assert list(blocks) == ["log_network", "log_url", "log_author", "log_text"]
    assert blocks["log_text"]["element"]["initial_value"] == PASTED
    networks = [o["value"] for o in blocks["log_network"]["element"]["options"]]
    assert "mastodon" in networks and "x" in networks and "review" in networks


def test_slack_markup_in_the_message_is_not_prefilled_as_the_customers_words(
    workspace: Workspace,
) -> None:
    """Slack sends message text with &, <, > escaped and links in angle brackets."""
    ws = workspace

    use_shortcut(ws, "Refund &amp; login both broken &lt;3 see <https://status.example/x>")

    [text_block] = [b for b in ws.open_view()["blocks"] if b["block_id"] == "log_text"]
    assert text_block["element"]["initial_value"] == (
        "Refund & login both broken <3 see https://status.example/x"
    )


def test_submitting_the_modal_logs_a_mention_and_says_so_in_the_modal(
    workspace: Workspace,
) -> None:
    ws = workspace

    answer = log(ws)

    assert answer["response_action"] == "update"
    assert "Logged as mention #1" in shown_text(answer["view"])
    card = views.card(ws.chorus.services, 1)
    assert card.mention.network.value == "mastodon"
    assert card.mention.external_id == POST_URL
    assert card.url == POST_URL
    assert card.mention.text == PASTED
    assert card.customer is not None and card.customer.handle == "@carla@social.example"
    assert card.source == f"slack:{ANA}"


def test_the_logged_mentions_card_goes_to_the_department_that_answers_it(
    workspace: Workspace,
) -> None:
    ws = workspace
    log(ws)

    ws.deliver()

    [card] = ws.standin.messages("C0SUPPORT")
    assert PASTED in message_text(card)
    assert "matched keyword “refund”" in message_text(card)
    assert ws.standin.messages("C0RANDOM") == [], "nothing is posted where the shortcut ran"


def test_a_logged_mention_records_that_it_came_from_slack(workspace: Workspace) -> None:
    ws = workspace

    log(ws)

    with ws.chorus.services.sessions() as session:
        received = session.query(EventRow).filter(EventRow.kind == "received").one()
        row = session.get(MentionRow, 1)
    assert received.detail["via"] == "slack"
    assert received.detail["source"] == f"slack:{ANA}"
    assert row is not None and row.intent == "complaint"


def test_a_link_that_is_not_a_url_is_refused_on_the_link_field(workspace: Workspace) -> None:
    ws = workspace

    answer = log(ws, url="not a url")

    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"log_url"}
    assert "http" in answer["errors"]["log_url"]
    assert ws.standin.calls_to("chat.postMessage") == []
    with ws.chorus.services.sessions() as session:
        assert session.query(MentionRow).count() == 0


def test_logging_the_same_post_twice_says_chorus_already_has_it(workspace: Workspace) -> None:
    ws = workspace
    log(ws)

    again = log(ws, url=POST_URL + "/?utm_source=mastodon")

    assert again["response_action"] == "update"
    assert "Chorus already has this post" in shown_text(again["view"])
    ws.deliver()
    assert len(ws.standin.messages("C0SUPPORT")) == 1


def test_two_people_logging_the_same_post_make_one_mention(workspace: Workspace) -> None:
    ws = workspace
    log(ws)

    use_shortcut(ws, user=BEN)
    again = ack_of(ws.slack.submit(ws.open_view(), answers(), BEN))

    assert "Chorus already has this post" in shown_text(again["view"])
    with ws.chorus.services.sessions() as session:
        assert session.query(MentionRow).count() == 1
