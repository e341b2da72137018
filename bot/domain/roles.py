"""Roles, with little red tape: social media managers, a department's leads and the people
it trusts; who may change them, and who may open a department's trusted lane.

Everyone else is staff: they claim, draft, transfer and mark advocates without any role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import NotAllowed, WorkflowError
from bot.domain.model import Actor


class Role(StrEnum):
    MANAGER = "manager"  # company-wide: reviews every department, changes roles
    LEAD = "lead"  # reviews one department's drafts, opens or closes its trusted lane
    TRUSTED = "trusted"  # may skip review in one department, when its trusted lane is open


# What people type, singular or plural, and the words they use for it.
ROLE_WORDS = {
    "manager": Role.MANAGER,
    "managers": Role.MANAGER,
    "lead": Role.LEAD,
    "leads": Role.LEAD,
    "trusted": Role.TRUSTED,
}
ROLES_IN_WORDS = "`manager`, `lead DEPT` or `trusted DEPT`"


@dataclass(frozen=True, order=True)
class Grant:
    """One role held by one person; a manager's has no department."""

    user_id: str
    role: Role
    department_key: str | None = None

    def describe(self, names: Mapping[str, str]) -> str:
        """The role in words, with the department's name (see `describe_role`)."""
        key = self.department_key or ""
        return describe_role(self.role, names.get(key, key))


def describe_role(role: Role, department_name: str | None) -> str:
    """The role in words: "a social media manager", "a lead of Sales", "trusted in Sales"."""
    if role is Role.MANAGER:
        return "a social media manager"
    if role is Role.LEAD:
        return f"a lead of {department_name}"
    return f"trusted in {department_name}"


def parse_role(word: str, department_key: str | None) -> Role:
    """Read a role as typed, or raise saying which roles exist and what each needs."""
    role = ROLE_WORDS.get(word.lower())
    if role is None:
        raise WorkflowError(f"“{word}” is not a role in Chorus. The roles are {ROLES_IN_WORDS}.")
    if role is Role.MANAGER and department_key is not None:
        raise WorkflowError(
            "A social media manager works for every department: leave the department out."
        )
    if role is not Role.MANAGER and department_key is None:
        raise WorkflowError(
            f"Say which department: `{role.value} DEPT`, for example `{role.value} support`."
        )
    return role


def actor_from(user_id: str, grants: Iterable[Grant]) -> Actor:
    """The person acting, with the roles they hold."""
    held = [g for g in grants if g.user_id == user_id]
    return Actor(
        user_id,
        is_manager=any(g.role is Role.MANAGER for g in held),
        lead_of=_departments(held, Role.LEAD),
        trusted_in=_departments(held, Role.TRUSTED),
    )


def _departments(grants: Iterable[Grant], role: Role) -> frozenset[str]:
    return frozenset(g.department_key for g in grants if g.role is role and g.department_key)


@dataclass(frozen=True)
class Roster:
    """Every role held in the workspace."""

    grants: frozenset[Grant] = frozenset()

    def managers(self) -> list[str]:
        return sorted(g.user_id for g in self.grants if g.role is Role.MANAGER)

    def holders(self, role: Role, department_key: str) -> list[str]:
        """Who holds `role` in the department, in a stable order."""
        return sorted(
            g.user_id for g in self.grants if g.role is role and g.department_key == department_key
        )


def check_may_change_roles(actor: Actor, is_admin: Callable[[], bool], managers: list[str]) -> None:
    """Raise unless the actor is a manager or a Slack workspace admin (asked only if needed)."""
    if actor.is_manager or is_admin():
        return
    ask = f" Ask {_people(managers)}." if managers else " Ask a Slack workspace admin."
    raise NotAllowed(
        "Only a social media manager or a Slack workspace admin can change roles in Chorus." + ask
    )


def check_add(roster: Roster, grant: Grant, names: Mapping[str, str]) -> None:
    """Raise when the person already holds the role."""
    if grant in roster.grants:
        raise WorkflowError(f"<@{grant.user_id}> is already {grant.describe(names)}.")


def check_remove(roster: Roster, grant: Grant, names: Mapping[str, str]) -> None:
    """Raise when the person does not hold the role, or is the last manager."""
    if grant not in roster.grants:
        raise WorkflowError(
            f"<@{grant.user_id}> is not {grant.describe(names)}, so there is nothing to remove."
        )
    if grant.role is Role.MANAGER and roster.managers() == [grant.user_id]:
        raise WorkflowError(
            f"<@{grant.user_id}> is the last social media manager, and Chorus needs one: "
            "managers change roles and review for departments without a lead. Add another "
            "manager first."
        )


def check_may_switch_lane(actor: Actor, department_key: str, name: str) -> None:
    """Raise unless the actor is a manager or a lead of the department."""
    if not (actor.is_manager or actor.leads(department_key)):
        raise NotAllowed(
            f"Only a lead of {name} or a social media manager can turn its trusted lane on or off."
        )


def _people(user_ids: list[str]) -> str:
    mentions = [f"<@{u}>" for u in user_ids]
    if len(mentions) < 3:
        return " or ".join(mentions)
    return ", ".join(mentions[:-1]) + " or " + mentions[-1]
