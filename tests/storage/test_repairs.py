"""Queued repairs of Slack messages: one waiting per message at most, on SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import OutboxRow
from storage.repairs import CARD_REPAIR, REVIEW_REPAIR, queue_repair
from tests.support.workspace import Workspace, mention

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def repairs(ws: Workspace) -> list[tuple[str, int | None, int | None]]:
    with ws.chorus.services.sessions() as session:
        query = select(OutboxRow).where(OutboxRow.kind.in_([CARD_REPAIR, REVIEW_REPAIR]))
        return [(r.kind, r.mention_id, r.draft_id) for r in session.scalars(query)]


def test_one_repair_waits_per_message_and_another_may_follow_once_it_is_sent(
    any_workspace: Workspace,
) -> None:
    ws = any_workspace
    ws.receive(mention("1"), mention("2"))
    with ws.chorus.services.sessions() as session:
        assert queue_repair(session, CARD_REPAIR, "C0SUPPORT", NOW, mention_id=1)
        assert not queue_repair(session, CARD_REPAIR, "C0SUPPORT", NOW, mention_id=1)
        assert queue_repair(session, CARD_REPAIR, "C0SUPPORT", NOW, mention_id=2)
        session.commit()
    assert repairs(ws) == [(CARD_REPAIR, 1, None), (CARD_REPAIR, 2, None)]

    assert ws.deliver() == 2
    with ws.chorus.services.sessions() as session:
        assert queue_repair(session, CARD_REPAIR, "C0SUPPORT", NOW, mention_id=1)
        session.commit()
    assert len(repairs(ws)) == 3
