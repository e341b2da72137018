"""Roles live in the database: chorus.toml seeds them, Slack changes stick across restarts,
every change is audited, and `Services.actor` reads them fresh on every click (also in a
second Chorus process, and from inside a move's own transaction)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, text

from bot.domain.model import Actor
from bot.domain.roles import Grant, Role
from bot.services import roles
from bot.standin import SlackStandIn
from storage.models import EventRow
from tests.support.workspace import (
    BEN,
    CONFIG_TOML,
    LEAD,
    MANAGER,
    OTHER_LEAD,
    Workspace,
    make_workspace,
)

TRUSTED = "U0TRUSTED"
SEEDED = CONFIG_TOML.replace(
    'leads = ["U0LEAD"]\n', 'leads = ["U0LEAD"]\ntrusted = ["U0TRUSTED"]\ntrusted_lane = true\n'
)


def nobody_is_admin() -> bool:
    return False


def start(url: str, standin: SlackStandIn, config: str = SEEDED) -> Workspace:
    """Start Chorus (again) on the database: start-up seeds the roles."""
    return make_workspace(url, standin, config)


def actor(ws: Workspace, user_id: str) -> Actor:
    return ws.chorus.services.actor(user_id)


def lane_open(ws: Workspace, department: str) -> bool:
    with ws.chorus.services.sessions() as session:
        return roles.trusted_lane_open(session, department)


def audit(ws: Workspace, *kinds: str) -> list[tuple[str | None, str, dict[str, Any]]]:
    with ws.chorus.services.sessions() as session:
        rows = session.scalars(
            select(EventRow).where(EventRow.kind.in_(kinds)).order_by(EventRow.id)
        )
        return [(row.actor, row.kind, row.detail) for row in rows]


def as_manager(change: Callable[..., Any], ws: Workspace, grant: Grant) -> None:
    change(ws.chorus.services, MANAGER, grant, nobody_is_admin)


def test_chorus_toml_seeds_every_role_and_the_seeding_is_audited(
    database_url: str, standin: SlackStandIn
) -> None:
    ws = start(database_url, standin)

    assert actor(ws, MANAGER) == Actor(MANAGER, is_manager=True)
    assert actor(ws, LEAD) == Actor(LEAD, lead_of=frozenset({"support"}))
    assert actor(ws, TRUSTED) == Actor(TRUSTED, trusted_in=frozenset({"support"}))
    assert actor(ws, BEN) == Actor(BEN)
    assert lane_open(ws, "support") and not lane_open(ws, "sales") and not lane_open(ws, None)
    seeded = audit(ws, "role_added", "trusted_lane")
    assert (None, "role_added", {"user": TRUSTED, "role": "trusted", "department": "support",
                                 "via": "chorus.toml"}) in seeded  # fmt: skip
    assert (None, "trusted_lane", {"department": "support", "on": True, "via": "chorus.toml"}) in (
        seeded
    )
    assert len(seeded) == 5  # a manager, two leads, one trusted person, one open lane

    start(database_url, standin)
    assert len(audit(ws, "role_added", "role_removed", "trusted_lane")) == 5, "nothing twice"


def test_changes_made_in_slack_survive_a_restart(database_url: str, standin: SlackStandIn) -> None:
    ws = start(database_url, standin)
    as_manager(roles.remove_role, ws, Grant(LEAD, Role.LEAD, "support"))
    as_manager(roles.add_role, ws, Grant(BEN, Role.LEAD, "support"))
    roles.switch_trusted_lane(ws.chorus.services, BEN, "support", on=False)

    again = start(database_url, standin)  # chorus.toml still lists U0LEAD and an open lane

    assert actor(again, LEAD) == Actor(LEAD)
    assert actor(again, BEN).leads("support")
    assert not lane_open(again, "support")
    assert audit(again, "role_removed") == [
        (MANAGER, "role_removed", {"user": LEAD, "role": "lead", "department": "support"})
    ]
    assert audit(again, "trusted_lane")[-1] == (
        BEN,
        "trusted_lane",
        {"department": "support", "on": False},
    )


def test_chorus_toml_keeps_deciding_the_roles_nobody_changed_in_slack(
    database_url: str, standin: SlackStandIn
) -> None:
    start(database_url, standin)
    edited = (
        SEEDED.replace('leads = ["U0SALESLEAD"]', 'leads = []\ntrusted = ["U0BEN"]')
        .replace("trusted_lane = true\n", "")
        .replace('managers = ["U0MANAGER"]', 'managers = ["U0MANAGER", "U0MIA"]')
    )

    ws = start(database_url, standin, edited)

    assert actor(ws, OTHER_LEAD) == Actor(OTHER_LEAD)
    assert actor(ws, BEN) == Actor(BEN, trusted_in=frozenset({"sales"}))
    assert actor(ws, "U0MIA").is_manager
    assert not lane_open(ws, "support")
    assert (None, "role_removed", {"user": OTHER_LEAD, "role": "lead", "department": "sales",
                                   "via": "chorus.toml"}) in audit(ws, "role_removed")  # fmt: skip

    back = start(database_url, standin)  # the first chorus.toml again
    assert actor(back, OTHER_LEAD).leads("sales") and not actor(back, BEN).trusted_in


def test_a_role_given_in_slack_outlives_its_removal_from_chorus_toml(
    database_url: str, standin: SlackStandIn
) -> None:
    ws = start(database_url, standin)
    as_manager(roles.remove_role, ws, Grant(OTHER_LEAD, Role.LEAD, "sales"))
    as_manager(roles.add_role, ws, Grant(OTHER_LEAD, Role.LEAD, "sales"))

    again = start(database_url, standin, SEEDED.replace('leads = ["U0SALESLEAD"]', "leads = []"))

    assert actor(again, OTHER_LEAD).leads("sales"), "Slack decided this role last"


def test_another_chorus_process_sees_a_change_at_once(
    database_url: str, standin: SlackStandIn
) -> None:
    one, two = start(database_url, standin), start(database_url, standin)
    assert not actor(two, BEN).is_trusted_in("sales")

    as_manager(roles.add_role, one, Grant(BEN, Role.TRUSTED, "sales"))

    assert actor(two, BEN).is_trusted_in("sales")


def test_the_actor_is_read_inside_an_open_transaction_without_waiting(
    database_url: str, standin: SlackStandIn
) -> None:
    ws = start(database_url, standin)
    services = ws.chorus.services
    with services.sessions() as session:
        session.execute(text("UPDATE departments SET sla_minutes = 5 WHERE key = 'sales'"))
        # On SQLite this session holds the write lock; a second one must still read.
        assert services.actor(LEAD).leads("support")
        assert services.actor(LEAD, session).leads("support")
        session.commit()
