"""Mirror chorus.toml into the database: departments, and the people with roles."""

from __future__ import annotations

from bot.config import WorkspaceConfig
from bot.services.core import Services
from storage import repo
from storage.models import DepartmentRow


def sync_workspace(services: Services) -> None:
    """Upsert departments and roles from the configuration; departments it drops go inactive."""
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
        for row in repo.list_departments(session):
            row.active = row.key in ids
        for user_id, roles in _roles(config, ids).items():
            person = repo.save_person(session, user_id, now, None)
            repo.replace_roles(session, person, roles)
        session.commit()


def _roles(config: WorkspaceConfig, ids: dict[str, int]) -> dict[str, set[tuple[str, int | None]]]:
    roles: dict[str, set[tuple[str, int | None]]] = {}
    for user_id in config.managers:
        roles.setdefault(user_id, set()).add(("manager", None))
    for department in config.departments:
        for user_id in department.leads:
            roles.setdefault(user_id, set()).add(("lead", ids[department.key]))
    return roles
