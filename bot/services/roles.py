"""Roles in Slack: who manages, leads and is trusted, changed by managers and workspace
admins, every change audited; and each department's trusted lane.

`trusted_lane_open` and `Actor.trusted_in` (from `Services.actor`) are what the review path
reads to let a trusted person skip review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.errors import WorkflowError
from bot.domain.roles import (
    Grant,
    Role,
    Roster,
    check_add,
    check_may_change_roles,
    check_may_switch_lane,
    check_remove,
)
from bot.services.core import Effects, Services
from bot.services.home_refresh import refresh_homes
from storage import delivery, repo
from storage import roles as store
from storage.db import READ_ONLY
from storage.models import DepartmentRow
from storage.roles import SLACK

NOTICE = "role_notice"


def trusted_lane_open(session: Session, department_key: str | None) -> bool:
    """Whether the department lets its trusted people skip review for clean replies."""
    return store.trusted_lane_open(session, department_key)


@dataclass(frozen=True)
class DepartmentRoles:
    key: str
    name: str
    leads: list[str]
    trusted: list[str]
    trusted_lane: bool


@dataclass(frozen=True)
class RoleList:
    managers: list[str]
    departments: list[DepartmentRoles]


def list_roles(services: Services, department_key: str | None = None) -> RoleList:
    """Who holds which role: the managers, then each department (or the one asked for)."""
    with services.sessions() as session:
        rows = [_department(session, department_key)] if department_key else _active(session)
        roster = Roster(store.held_grants(session))
        departments = [
            DepartmentRoles(
                row.key,
                row.name,
                roster.holders(Role.LEAD, row.key),
                roster.holders(Role.TRUSTED, row.key),
                row.trusted_lane,
            )
            for row in rows
        ]
    return RoleList(roster.managers(), departments)


def add_role(
    services: Services, user_id: str, grant: Grant, is_admin: Callable[[], bool]
) -> Effects:
    """Give a person a role, if the actor may; the person hears about it."""
    return _change_role(services, user_id, grant, is_admin, held=True)


def remove_role(
    services: Services, user_id: str, grant: Grant, is_admin: Callable[[], bool]
) -> Effects:
    """Take a role away, if the actor may, never the last manager's; the person hears."""
    return _change_role(services, user_id, grant, is_admin, held=False)


def _change_role(
    services: Services, user_id: str, grant: Grant, is_admin: Callable[[], bool], held: bool
) -> Effects:
    _check_may_change(services, user_id, is_admin)
    with services.sessions() as session:
        department = _department(session, grant.department_key) if grant.department_key else None
        grant = replace(grant, department_key=department.key if department else None)
        names = _names(session)
        if not held and grant.role is Role.MANAGER:
            store.lock_managers(session)
        (check_add if held else check_remove)(Roster(store.held_grants(session)), grant, names)
        now = services.clock()
        store.set_role(session, grant, department.id if department else None, held, SLACK, now)
        kind = "role_added" if held else "role_removed"
        role, key = grant.role.value, grant.department_key
        repo.add_event(
            session, kind, now, actor=user_id, user=grant.user_id, role=role, department=key
        )
        told = grant.user_id != user_id
        if told:
            where = department.name if department else None
            _tell(session, grant.user_id, now, change=kind, by=user_id, role=role, department=where)
        session.commit()
    refresh_homes(services, [grant.user_id])  # what waits for their review changed
    was = "is now" if held else "is no longer"
    return Effects(notice=f"<@{grant.user_id}> {was} {grant.describe(names)}.", queued=told)


def _check_may_change(services: Services, user_id: str, is_admin: Callable[[], bool]) -> None:
    # Read, then ask Slack (only for a non-manager) with no transaction open: a network call
    # must never hold the database's write lock.
    with services.sessions() as session:
        session.connection(execution_options={READ_ONLY: True})
        actor = store.load_actor(session, user_id)
        managers = Roster(store.held_grants(session)).managers()
    check_may_change_roles(actor, is_admin, managers)


def switch_trusted_lane(services: Services, user_id: str, department_key: str, on: bool) -> Effects:
    """Open or close a department's trusted lane (its leads and the managers may); the
    department's channel hears about it."""
    with services.sessions() as session:
        row = _department(session, department_key)
        check_may_switch_lane(services.actor(user_id, session), row.key, row.name)
        state = "open" if on else "closed"
        if row.trusted_lane == on:
            raise WorkflowError(f"The trusted lane of {row.name} is already {state}.")
        now = services.clock()
        row.trusted_lane, row.trusted_lane_changed_by, row.trusted_lane_changed_at = (
            on,
            user_id,
            now,
        )
        repo.add_event(session, "trusted_lane", now, actor=user_id, department=row.key, on=on)
        payload = {"by": user_id, "on": on, "department": row.key, "name": row.name}
        _tell(session, row.channel, now, change="trusted_lane", **payload)
        held = Roster(store.held_grants(session))
        trusted = held.holders(Role.TRUSTED, row.key)
        concerned = {user_id, *trusted, *held.holders(Role.LEAD, row.key)}
        nobody, name, key = on and not trusted, row.name, row.key
        session.commit()
    refresh_homes(services, concerned)  # their Homes show the department's guidelines
    notice = f"The trusted lane of {name} is now {state}."
    if nobody:
        notice += f" Nobody is trusted in {name} yet: `/chorus role add @person trusted {key}`."
    return Effects(notice=notice, queued=True)


def _tell(session: Session, channel: str, now: datetime, **payload: object) -> None:
    delivery.add_outbox(session, NOTICE, channel, now, payload=payload)


def _department(session: Session, key: str | None) -> DepartmentRow:
    row = repo.get_department(session, (key or "").lower())
    if row is None or not row.active:
        known = ", ".join(r.key for r in _active(session))
        raise WorkflowError(f"There is no department “{key}”. The departments are: {known}.")
    return row


def _active(session: Session) -> list[DepartmentRow]:
    return [row for row in repo.list_departments(session) if row.active]


def _names(session: Session) -> dict[str, str]:
    return {row.key: row.name for row in repo.list_departments(session)}
