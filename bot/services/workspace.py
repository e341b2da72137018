"""Mirror chorus.toml into the database: departments; and seed the roles and trusted lanes."""

from __future__ import annotations

from bot.services.core import Services
from bot.services.role_seeding import seed_roles, seed_trusted_lane
from storage import repo
from storage.models import DepartmentRow


def sync_workspace(services: Services) -> None:
    """Upsert departments from the configuration (those it drops go inactive), and seed the
    roles and trusted lanes it lists (see role_seeding for what Slack changes keep)."""
    config = services.config
    with services.sessions() as session:
        now = services.clock()
        ids = {}
        for department in config.departments:
            row = repo.get_department(session, department.key) or DepartmentRow(key=department.key)
            row.name, row.channel = department.name, department.channel
            row.is_default, row.sla_minutes, row.active = (
                department.default,
                department.sla_minutes,
                True,
            )
            session.add(row)
            session.flush()
            ids[department.key] = row.id
            seed_trusted_lane(session, row, department.trusted_lane, now)
        for row in repo.list_departments(session):
            row.active = row.key in ids
        seed_roles(session, config, ids, now)
        session.commit()
