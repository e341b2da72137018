"""What a refused request must leave untouched, and what no answer may say.

`Footprint` takes a picture of everything Chorus could change (every table's rows, every call
Slack received, every ephemeral and view); two pictures compare equal when nothing happened.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlalchemy import func, select

from storage.models import Base
from tests.support.slack import SIGNING_SECRET
from tests.support.workspace import WEBHOOK_SECRET, Workspace

BOT_TOKEN = "xoxb-test"
# Every form of a secret an answer or a log line could give away: the whsec_ value, its
# base64 key and the raw key bytes it stands for.
SECRETS = (
    SIGNING_SECRET,
    WEBHOOK_SECRET,
    WEBHOOK_SECRET.removeprefix("whsec_"),
    base64.b64decode(WEBHOOK_SECRET.removeprefix("whsec_")).decode(),
    BOT_TOKEN,
)


@dataclass(frozen=True)
class Footprint:
    rows: dict[str, int]
    slack_calls: tuple[str, ...]
    views: int


def footprint(ws: Workspace) -> Footprint:
    """Rows in every table, the methods Slack was called with, and the open views."""
    with ws.chorus.services.sessions() as session:
        rows = {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }
    return Footprint(rows, tuple(ws.standin.methods()), len(ws.standin.views()))


def changes(before: Footprint, after: Footprint) -> dict[str, object]:
    """What differs between two footprints, by table or by 'slack' / 'views'; {} when none."""
    found: dict[str, object] = {
        name: (count, after.rows[name])
        for name, count in before.rows.items()
        if after.rows[name] != count
    }
    if after.slack_calls != before.slack_calls:
        found["slack"] = after.slack_calls[len(before.slack_calls) :]
    if after.views != before.views:
        found["views"] = (before.views, after.views)
    return found


def assert_names_no_secret(text: str | bytes) -> None:
    shown = text.decode(errors="replace") if isinstance(text, bytes) else text
    for secret in SECRETS:
        assert secret not in shown, "a secret is in the answer"
