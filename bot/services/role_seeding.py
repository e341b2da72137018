"""chorus.toml seeds the roles and the trusted lanes; Slack changes them afterwards.

A role or a lane is decided by chorus.toml until someone changes it in Slack; from then on,
Slack's decision sticks across restarts. So a role removed with `/chorus role remove` stays
removed even while chorus.toml still lists it, and a role that chorus.toml alone gave goes
away when it leaves chorus.toml. Every change is in the audit trail, `via` "chorus.toml".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config import WorkspaceConfig
from bot.domain.roles import Grant, Role
from storage import repo
from storage import roles as store
from storage.models import DepartmentRow

VIA = "chorus.toml"


def config_grants(config: WorkspaceConfig) -> set[Grant]:
    """The roles chorus.toml lists."""
    grants = {Grant(user_id, Role.MANAGER) for user_id in config.managers}
    for department in config.departments:
        grants |= {Grant(user_id, Role.LEAD, department.key) for user_id in department.leads}
        grants |= {Grant(user_id, Role.TRUSTED, department.key) for user_id in department.trusted}
    return grants


def seed_roles(
    session: Session, config: WorkspaceConfig, department_ids: Mapping[str, int], now: datetime
) -> None:
    """Add the roles chorus.toml lists that were never recorded; let chorus.toml keep
    deciding the roles it seeded that nobody changed in Slack since."""
    wanted = config_grants(config)
    for grant in sorted(wanted - store.known_grants(session)):
        department_id = department_ids.get(grant.department_key or "")
        store.set_role(session, grant, department_id, True, store.CHORUS_TOML, now)
        _audit(session, "role_added", grant, now)
    for row, user_id, department_key in store.seeded_rows(session):
        grant = store.to_grant(user_id, row.role, department_key)
        if row.active != (grant in wanted):
            row.active = grant in wanted
            _audit(session, "role_added" if row.active else "role_removed", grant, now)


def seed_trusted_lane(session: Session, row: DepartmentRow, wanted: bool, now: datetime) -> None:
    """Open or close the department's trusted lane as chorus.toml says, unless it was
    switched in Slack."""
    if row.trusted_lane_changed_by is not None or row.trusted_lane == wanted:
        return
    row.trusted_lane = wanted
    repo.add_event(session, "trusted_lane", now, department=row.key, on=wanted, via=VIA)


def _audit(session: Session, kind: str, grant: Grant, now: datetime) -> None:
    repo.add_event(
        session,
        kind,
        now,
        user=grant.user_id,
        role=grant.role.value,
        department=grant.department_key,
        via=VIA,
    )
