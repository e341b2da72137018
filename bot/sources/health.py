"""How each source is doing: last success, last error, mentions brought in, next poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.services.core import Services
from storage.models import SourceStateRow


@dataclass(frozen=True)
class SourceHealth:
    name: str
    kind: str
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    brought_in: int = 0
    failures: int = 0
    next_poll_at: datetime | None = None

    @property
    def status(self) -> str:
        """In a few words: never polled, healthy, or failing (and how many times)."""
        if self.last_polled_at is None:
            return "never polled"
        if self.failures:
            return f"failing ({self.failures}×)" if self.failures > 1 else "failing"
        return "healthy"


def source_health(services: Services) -> list[SourceHealth]:
    """The health of every source in chorus.toml, in its order."""
    with services.sessions() as session:
        states = {row.name: row for row in session.scalars(select(SourceStateRow))}
    rows = []
    for config in services.config.sources:
        state = states.get(config.name)
        if state is None:
            rows.append(SourceHealth(config.name, config.kind))
            continue
        rows.append(
            SourceHealth(
                name=config.name,
                kind=config.kind,
                last_polled_at=state.last_polled_at,
                last_success_at=state.last_success_at,
                last_error=state.last_error,
                last_error_at=state.last_error_at,
                brought_in=state.brought_in or 0,
                failures=state.failures or 0,
                next_poll_at=state.next_poll_at,
            )
        )
    return rows


def ago(moment: datetime | None, now: datetime, never: str = "never") -> str:
    """A moment relative to now, the way people say it: "12 min ago", "in 4 min"."""
    if moment is None:
        return never
    seconds = (now - moment).total_seconds()
    amount = _amount(abs(seconds))
    if amount == "just now":
        return amount
    return f"{amount} ago" if seconds >= 0 else f"in {amount}"


def _amount(seconds: float) -> str:
    if seconds < 60:
        return "just now"
    for unit, size in (("d", 86400), ("h", 3600)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds // 60)} min"


COLUMNS = ("SOURCE", "KIND", "STATUS", "LAST SUCCESS", "BROUGHT IN", "NEXT POLL")


def format_health_text(rows: list[SourceHealth], now: datetime) -> str:
    """The health as aligned columns for `chorus sources`, each last error beneath."""
    if not rows:
        return "No sources yet. Add a [[sources]] table to chorus.toml (see the README)."
    table = [COLUMNS] + [
        (
            row.name,
            row.kind,
            row.status,
            ago(row.last_success_at, now),
            str(row.brought_in),
            ago(row.next_poll_at, now, never="at start-up"),
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = []
    for index, line in enumerate(table):
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
        row = rows[index - 1] if index else None
        if row is not None and row.last_error:
            lines.append(f"  last error {ago(row.last_error_at, now)}: {row.last_error}")
    return "\n".join(lines)
