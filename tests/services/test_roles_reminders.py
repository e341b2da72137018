"""Reminders go to the people who hold the roles now, not to those chorus.toml once named:
a lead replaced in Slack stops hearing about the department's waiting customers and drafts."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.roles import Grant, Role
from bot.services import roles
from tests.services import test_claim_reminders as claims
from tests.services import test_reminders as sla
from tests.support.workspace import BEN, LEAD, MANAGER, Workspace


def hand_support_to_ben(ws: Workspace) -> None:
    services = ws.chorus.services
    roles.add_role(services, MANAGER, Grant(BEN, Role.LEAD, "support"), lambda: False)
    roles.remove_role(services, MANAGER, Grant(LEAD, Role.LEAD, "support"), lambda: False)


def test_the_new_lead_hears_about_a_customer_nobody_claimed(workspace: Workspace) -> None:
    ws = workspace
    hand_support_to_ben(ws)
    sla.received(ws, sla.MONDAY_10)

    assert sla.run(ws, sla.MONDAY_10 + timedelta(hours=2)) == 1

    def reminders(user: str) -> list[str]:
        return [str(m) for m in sla.dms(ws, user) if "nobody has it yet" in str(m)]

    assert reminders(LEAD) == []
    assert len(reminders(BEN)) == 1


def test_a_department_whose_leads_were_all_removed_escalates_to_the_managers(
    workspace: Workspace,
) -> None:
    ws = workspace
    roles.remove_role(ws.chorus.services, MANAGER, Grant(LEAD, Role.LEAD, "support"), lambda: False)
    claims.claimed(ws)
    submitted = claims.working(ws, claims.CLAIMED, 10)
    claims.submit_draft(ws, submitted)

    assert claims.run(ws, claims.working(ws, submitted, 60)) == 1

    assert [m for m in claims.dms(ws, LEAD) if "has waited" in str(m)] == []
    [nudge] = [m for m in claims.dms(ws, MANAGER) if "has waited" in str(m)]
    assert "in <#C0SUPPORT>" in str(nudge)
