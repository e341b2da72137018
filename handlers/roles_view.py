"""Roles as people read them: `/chorus role list`, the usage texts, and the notes a person
(their role changed) or a department channel (its trusted lane changed) receives."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.roles import Role, describe_role
from bot.services.outbox import Obsolete, Outgoing
from bot.services.roles import DepartmentRoles, RoleList
from handlers.text import SECTION_LIMIT, escape, truncate, user
from storage.models import OutboxRow

ROLE_USAGE = (
    "*/chorus role* — who manages, leads and is trusted, and changing it.\n"
    "• `/chorus role list [DEPT]` — the managers, each department's leads and trusted people\n"
    "• `/chorus role add @person manager` — a social media manager reviews every department "
    "and changes roles\n"
    "• `/chorus role add @person lead DEPT` — a lead reviews the department's drafts and "
    "opens or closes its trusted lane\n"
    "• `/chorus role add @person trusted DEPT` — when the department's trusted lane is open, "
    "their policy-clean replies to praise and neutral mentions skip review\n"
    "• `/chorus role remove @person lead DEPT` — the same words take a role away\n"
    "Only social media managers and Slack workspace admins change roles; every change is "
    "recorded. Everyone else is staff: they claim, draft, transfer and mark advocates."
)
LANE_USAGE = (
    "*/chorus trusted-lane* — let a department's trusted people skip review.\n"
    "• `/chorus trusted-lane on support` — their replies that pass the policy, to praise and "
    "neutral mentions, go out without waiting (still shown in the card's thread)\n"
    "• `/chorus trusted-lane off support` — every reply goes through review again\n"
    "• `/chorus trusted-lane support` — is it open, and who is trusted\n"
    "In a department's channel, DEPT may be left out. The department's leads and the social "
    "media managers switch it."
)
MAX_DEPARTMENTS = 45  # a message holds 50 blocks: the managers, the departments, a footer
ROLE_EXPLAINED = {
    Role.MANAGER: "You can review drafts for every department and change roles in Chorus.",
    Role.LEAD: "You can approve the department's drafts in their threads, and open or close "
    "its trusted lane (`/chorus trusted-lane`).",
    Role.TRUSTED: "When the department's trusted lane is open, your replies that pass the "
    "policy, to praise and neutral mentions, go out without waiting for review.",
}


def build_role_list(roles: RoleList) -> tuple[str, list[Block]]:
    """The fallback text and blocks of who holds which role, department by department."""
    managers = _people(roles.managers) or "nobody yet"
    blocks: list[Block] = [
        _section(
            f"*Roles in Chorus*\nSocial media managers: {managers} — they review every "
            "department and change roles."
        )
    ]
    blocks += [_department(d) for d in roles.departments[:MAX_DEPARTMENTS]]
    more = len(roles.departments) - MAX_DEPARTMENTS
    footer = (f"…and {more} more departments: `/chorus role list DEPT`. " if more > 0 else "") + (
        "Everyone else is staff: they claim, draft, transfer and mark advocates. Managers and "
        "Slack workspace admins change roles: `/chorus role add @person lead DEPT`."
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    text = (
        f"Roles in Chorus: {len(roles.managers)} manager(s), {len(roles.departments)} department(s)"
    )
    return text, blocks


def _department(department: DepartmentRoles) -> SectionBlock:
    leads = _people(department.leads)
    lines = [
        f"*{escape(department.name)}* (`{department.key}`)",
        f"Leads: {leads} — they review its drafts."
        if leads
        else "Leads: none — its drafts go to the social media managers.",
        f"Trusted: {_people(department.trusted) or 'nobody yet'}",
        lane_sentence(department.trusted_lane),
    ]
    return _section("\n".join(lines))


def lane_sentence(is_open: bool) -> str:
    if is_open:
        return (
            "Trusted lane: *open* — trusted people's replies that pass the policy, to praise "
            "and neutral mentions, skip review."
        )
    return "Trusted lane: closed — every reply is reviewed."


def build_lane_status(department: DepartmentRoles) -> str:
    """`/chorus trusted-lane DEPT`: is it open, who is trusted, and how to switch it."""
    trusted = _people(department.trusted) or "nobody yet"
    switch = "off" if department.trusted_lane else "on"
    return (
        f"*{escape(department.name)}* — {lane_sentence(department.trusted_lane)}\n"
        f"Trusted: {trusted}\n"
        f"A lead or a manager switches it: `/chorus trusted-lane {switch} {department.key}`."
    )


def render_role_notice(row: OutboxRow) -> Outgoing:
    """A person's role changed (a DM), or a department's trusted lane did (its channel)."""
    payload, by = row.payload, user(str(row.payload.get("by")))
    change = payload.get("change")
    if change == "trusted_lane":
        text = _lane_notice(
            by, bool(payload.get("on")), str(payload["name"]), str(payload["department"])
        )
    elif change in ("role_added", "role_removed"):
        role = Role(str(payload["role"]))
        what = describe_role(role, escape(str(payload.get("department") or "")))
        text = (
            f"{by} made you {what} in Chorus. {ROLE_EXPLAINED[role]}"
            if change == "role_added"
            else f"{by} changed your role in Chorus: you are no longer {what}."
        )
    else:
        raise Obsolete(f"unknown role notice {change}")
    return Outgoing(row.channel, text, [_section(text).to_dict()])


def _lane_notice(by: str, is_open: bool, name: str, key: str) -> str:
    if is_open:
        return (
            f":vertical_traffic_light: {by} opened the trusted lane for {escape(name)}: replies "
            f"by people trusted in {escape(name)} that pass the policy, to praise and neutral "
            "mentions, go out without waiting for review. They still appear in each card's "
            f"thread. Close it with `/chorus trusted-lane off {key}`."
        )
    return (
        f"{by} closed the trusted lane for {escape(name)}: every reply goes through review again."
    )


def _people(user_ids: list[str]) -> str:
    return ", ".join(user(u) for u in user_ids)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_LIMIT)))
