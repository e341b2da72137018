"""Slack retries an Events API delivery it thinks we missed: the retry must never act twice."""

from __future__ import annotations

import json

from slack_bolt import BoltRequest

from tests.support.slack import signed_headers
from tests.support.workspace import Workspace


def event_body(event_id: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0CHORUS",
            "api_app_id": "A0CHORUS",
            "event_id": event_id,
            "event_time": 1700000000,
            "event": {
                "type": "app_home_opened",
                "user": "U0ANA",
                "channel": "D0ANA",
                "tab": "home",
            },
        }
    )


def send(workspace: Workspace, body: str) -> int:
    headers = {**signed_headers(body), "content-type": "application/json"}
    return workspace.chorus.app.dispatch(BoltRequest(body=body, headers=headers)).status


def seen_events(workspace: Workspace) -> list[str]:
    from sqlalchemy import select

    from storage.models import SlackEventRow

    with workspace.chorus.services.sessions() as session:
        return list(session.scalars(select(SlackEventRow.event_id)))


def test_each_event_id_is_let_through_once_and_its_retries_are_acknowledged(
    workspace: Workspace,
) -> None:
    first = send(workspace, event_body("Ev0001"))
    retry = send(workspace, event_body("Ev0001"))
    other = send(workspace, event_body("Ev0002"))

    assert retry == 200, "a retry is acknowledged so Slack stops retrying"
    assert first in (200, 404) and other in (200, 404)  # no listener for this event yet
    assert seen_events(workspace) == ["Ev0001", "Ev0002"]


def test_requests_that_are_not_events_are_not_recorded(workspace: Workspace) -> None:
    workspace.slack.command("/chorus", "help", "U0ANA")

    assert seen_events(workspace) == []
