"""Refreshing App Homes through the outbox: only for people who opened theirs, one waiting
refresh per person, never joined to a refresh a worker has already taken, and a Slack that
refuses it for a while loses nothing. SQLite, and PostgreSQL when configured."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.services import workflow
from bot.services.core import Effects
from bot.services.home_refresh import refresh_after, refresh_homes, tell_on_home
from bot.services.outbox import Obsolete
from storage import delivery
from storage.home import HOME, remember_home
from storage.models import OutboxRow
from tests.support.workspace import ANA, BEN, LEAD, Workspace, mention


def home_rows(ws: Workspace) -> list[OutboxRow]:
    with ws.chorus.services.sessions() as session:
        query = select(OutboxRow).where(OutboxRow.kind == HOME).order_by(OutboxRow.id)
        return list(session.scalars(query))


def have_opened(ws: Workspace, *users: str) -> None:
    services = ws.chorus.services
    with services.sessions() as session:
        for user in users:
            remember_home(session, user, services.clock())
        session.commit()


def test_only_people_who_opened_their_home_get_a_refresh(any_workspace: Workspace) -> None:
    ws = any_workspace
    ws.receive(mention())
    have_opened(ws, ANA, LEAD)

    effects = workflow.claim(ws.chorus.services, 1, BEN)
    queued = refresh_after(ws.chorus.services, effects)

    assert queued == 0, "Ben acted, but only Ana and the lead ever opened their Home"
    assert refresh_homes(ws.chorus.services, [ANA, BEN]) == 1
    assert [row.channel for row in home_rows(ws)] == [ANA]


def test_a_draft_in_review_refreshes_its_reviewers_homes(any_workspace: Workspace) -> None:
    ws = any_workspace
    services = ws.chorus.services
    ws.receive(mention())
    have_opened(ws, ANA, LEAD, BEN)
    workflow.claim(services, 1, ANA)

    effects = workflow.submit_draft(services, 1, ANA, "Hi Ana! On it.")
    refresh_after(services, effects)

    assert sorted(row.channel for row in home_rows(ws)) == [ANA, LEAD]


def test_one_refresh_waits_per_person_and_carries_the_latest_notice(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    services = ws.chorus.services
    have_opened(ws, ANA)

    refresh_homes(services, [ANA])
    tell_on_home(services, ANA, "You claimed #1.")
    refresh_homes(services, [ANA])

    [row] = home_rows(ws)
    assert row.payload == {"notice": "You claimed #1."}
    assert ws.deliver() == 1
    view = ws.standin.home(ANA)
    assert view is not None
    assert view["blocks"][0]["text"]["text"] == ":point_right: You claimed #1."


def test_a_refresh_a_worker_has_taken_is_not_joined_and_gives_way_to_the_newer(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    services = ws.chorus.services
    have_opened(ws, ANA)
    refresh_homes(services, [ANA])
    [taken] = home_rows(ws)
    with services.sessions() as session:
        now = services.clock()
        leased = delivery.take_outbox(session, now, now + timedelta(1))
        assert leased is not None and leased.id == taken.id
        session.commit()

    refresh_homes(services, [ANA])

    first, second = home_rows(ws)
    assert (first.id, second.id) == (taken.id, taken.id + 1)
    with services.sessions() as session:
        older = session.get(OutboxRow, taken.id)
        assert older is not None
        with pytest.raises(Obsolete):
            ws.chorus.worker.render(session, older)


def test_a_home_slack_refuses_for_a_while_is_published_later(any_workspace: Workspace) -> None:
    ws = any_workspace
    have_opened(ws, ANA)
    refresh_homes(ws.chorus.services, [ANA])
    ws.standin.fail("views.publish", "ratelimited", retry_after=1)

    assert ws.deliver() == 0
    assert ws.standin.home(ANA) is None
    time.sleep(1.1)
    assert ws.deliver() == 1
    assert ws.standin.home(ANA) is not None
    assert [row.sent_at is not None for row in home_rows(ws)] == [True]


def test_effects_about_nothing_refresh_nothing(any_workspace: Workspace) -> None:
    have_opened(any_workspace, ANA)

    assert refresh_after(any_workspace.chorus.services, Effects(notice="Hi")) == 0
    assert home_rows(any_workspace) == []
