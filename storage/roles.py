"""Roles and each department's trusted lane, over a session the caller owns (never commits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, true
from sqlalchemy.orm import Session

from bot.domain.model import Actor
from bot.domain.roles import Grant, Role, Roster, actor_from
from storage.models import DepartmentRow, PersonRow, RoleRow
from storage.repo import save_person

SLACK = "slack"
CHORUS_TOML = "chorus.toml"


def _grants_query(held_only: bool = True) -> Select[str, str, str]:
    query = (
        select(PersonRow.slack_user_id, RoleRow.role, DepartmentRow.key)
        .join(PersonRow, PersonRow.id == RoleRow.person_id)
        .outerjoin(DepartmentRow, DepartmentRow.id == RoleRow.department_id)
    )
    return query.where(RoleRow.active == true()) if held_only else query


def _grants(session: Session, query: Select[str, str, str]) -> list[Grant]:
    return [to_grant(user, role, key) for user, role, key in session.execute(query)]


def to_grant(user_id: str, role: str, department_key: str | None) -> Grant:
    return Grant(user_id, Role(role), department_key)


def load_actor(session: Session, user_id: str) -> Actor:
    """The person with the roles they hold: one query on the people and roles indexes."""
    query = _grants_query().where(PersonRow.slack_user_id == user_id)
    return actor_from(user_id, _grants(session, query))


def held_grants(session: Session) -> frozenset[Grant]:
    """Every role held in the workspace."""
    return frozenset(_grants(session, _grants_query()))


def role_rows(session: Session, grant: Grant) -> list[RoleRow]:
    """The rows of this role for this person, held or removed (managers may have several)."""
    query = (
        select(RoleRow)
        .join(PersonRow, PersonRow.id == RoleRow.person_id)
        .outerjoin(DepartmentRow, DepartmentRow.id == RoleRow.department_id)
        .where(PersonRow.slack_user_id == grant.user_id, RoleRow.role == grant.role.value)
    )
    if grant.department_key is None:
        query = query.where(RoleRow.department_id.is_(None))
    else:
        query = query.where(DepartmentRow.key == grant.department_key)
    return list(session.scalars(query.order_by(RoleRow.id)))


def lock_managers(session: Session) -> None:
    """Hold the managers' rows until commit, so two removals cannot leave nobody."""
    query = select(RoleRow.id).where(RoleRow.role == Role.MANAGER.value, RoleRow.active == true())
    session.execute(query.with_for_update())


def set_role(
    session: Session,
    grant: Grant,
    department_id: int | None,
    held: bool,
    source: str,
    now: datetime,
) -> None:
    """Record that the person holds (or no longer holds) the role, and who decided."""
    rows = role_rows(session, grant)
    if not rows:
        person = save_person(session, grant.user_id, now, None)
        rows = [RoleRow(person_id=person.id, role=grant.role.value, department_id=department_id)]
        session.add(rows[0])
    for row in rows:
        row.active, row.source = held, source
    session.flush()


def seeded_rows(session: Session) -> Sequence[tuple[RoleRow, str, str | None]]:
    """Every role row chorus.toml still decides, with its person and department key."""
    query = (
        select(RoleRow, PersonRow.slack_user_id, DepartmentRow.key)
        .join(PersonRow, PersonRow.id == RoleRow.person_id)
        .outerjoin(DepartmentRow, DepartmentRow.id == RoleRow.department_id)
        .where(RoleRow.source == CHORUS_TOML)
    )
    return list(session.execute(query))


def known_grants(session: Session) -> set[Grant]:
    """Every role ever recorded, held or removed: chorus.toml seeds only the others."""
    return set(_grants(session, _grants_query(held_only=False)))


def trusted_lane_open(session: Session, department_key: str | None) -> bool:
    """Whether the department lets its trusted people skip review."""
    if department_key is None:
        return False
    query = select(DepartmentRow.trusted_lane).where(DepartmentRow.key == department_key)
    return bool(session.scalar(query))


def roster(session: Session) -> Roster:
    """Every role held now: who hears a department's reminders, who reviews."""
    return Roster(held_grants(session))
