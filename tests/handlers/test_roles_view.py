"""The role list within Slack's limits, and customer-free text that pings nobody."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.outbox import Obsolete
from bot.services.roles import DepartmentRoles, RoleList
from handlers.roles_view import build_role_list, render_role_notice
from storage.models import OutboxRow


def test_a_workspace_with_many_departments_fits_one_message() -> None:
    departments = [DepartmentRoles(f"team-{i}", f"Team <{i}>", [], [], False) for i in range(60)]

    text, blocks = build_role_list(RoleList([], departments))

    assert len(blocks) == 47 <= 50
    footer = blocks[-1].to_dict()["elements"][0]["text"]
    assert footer.startswith("…and 15 more departments: `/chorus role list DEPT`.")
    assert "Team &lt;0&gt;" in blocks[1].to_dict()["text"]["text"]
    assert "Social media managers: nobody yet" in blocks[0].to_dict()["text"]["text"]
    assert text == "Roles in Chorus: 0 manager(s), 60 department(s)"


def test_a_notice_of_a_kind_this_version_does_not_know_is_dropped() -> None:
    row = OutboxRow(
        kind="role_notice",
        channel="U0BEN",
        payload={"change": "promotion", "by": "U0MAX"},
        created_at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    with pytest.raises(Obsolete):
        render_role_notice(row)
