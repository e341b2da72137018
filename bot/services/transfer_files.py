"""Bulk files: import mentions from JSON Lines or CSV, export everything as CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.services.core import Services
from bot.services.ingest import InvalidMentions, MentionIn, ingest, parse_mentions
from storage.models import (
    Base,
    CustomerRow,
    DigestRow,
    DraftRow,
    EventRow,
    FollowUpRow,
    IdeaRow,
    MentionRow,
    PublicationRow,
    ReminderRow,
    ShortLinkRow,
    SnapshotRow,
)

BATCH = 500
AUTHOR_COLUMNS = ("handle", "name", "followers", "url")


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Rejected:
    """A line that could not even be read as JSON."""

    reason: str


def read_items(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, raw mention object or Rejected) from a .jsonl or .csv file."""
    if path.suffix.lower() == ".csv":
        yield from _csv_items(path)
    else:
        yield from _jsonl_items(path)


def _jsonl_items(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except (ValueError, RecursionError) as error:
                yield number, Rejected(f"not valid JSON: {error}")


def _csv_items(path: Path) -> Iterator[tuple[int, Any]]:
    # utf-8-sig: spreadsheets save CSV with a byte-order mark before the first column name.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield (
                reader.line_num,
                _nest_author({k: v for k, v in row.items() if k and v not in ("", None)}),
            )


def _nest_author(row: dict[str, Any]) -> dict[str, Any]:
    """CSV has flat columns: author_handle (or author.handle) becomes author.handle."""
    author = {}
    for column in AUTHOR_COLUMNS:
        for name in (f"author_{column}", f"author.{column}"):
            if name in row:
                author[column] = row.pop(name)
    if author:
        row["author"] = author
    return row


def import_file(services: Services, path: Path, progress: Callable[[int], None]) -> ImportSummary:
    """Import every valid line; report duplicates and rejected lines with their numbers."""
    summary = ImportSummary()
    batch: list[MentionIn] = []
    for number, item in read_items(path):
        progress(1)
        parsed = _parse_line(item)
        if isinstance(parsed, str):
            summary.rejected.append((number, parsed))
            continue
        batch.append(parsed)
        if len(batch) >= BATCH:
            _flush(services, batch, summary)
    _flush(services, batch, summary)
    return summary


def _parse_line(item: Any) -> MentionIn | str:
    if isinstance(item, Rejected):
        return item.reason
    try:
        return parse_mentions([item], prefix="")[0]
    except InvalidMentions as invalid:
        return "; ".join(f"{e.field}: {e.message}" for e in invalid.errors)


def _flush(services: Services, batch: list[MentionIn], summary: ImportSummary) -> None:
    if batch:
        result = ingest(services, batch, via="import")
        summary.imported += result.accepted
        summary.duplicates += result.duplicates
        batch.clear()


def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return max(0, sum(1 for line in handle if line.strip()) - (path.suffix.lower() == ".csv"))


EXPORTS: dict[str, type[Base]] = {
    "mentions": MentionRow,
    "drafts": DraftRow,
    "publications": PublicationRow,
    "engagement_snapshots": SnapshotRow,
    "follow_ups": FollowUpRow,
    "short_links": ShortLinkRow,
    "events": EventRow,
    "customers": CustomerRow,
    "ideas": IdeaRow,
    "digests": DigestRow,
    "reminders": ReminderRow,
}


def export_all(services: Services, out: Path) -> dict[str, int]:
    """Write one CSV file per table into `out`; return the rows written per file."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    with services.sessions() as session:
        for name, model in EXPORTS.items():
            columns = [c.name for c in model.__table__.columns]
            key = model.__mapper__.primary_key
            rows = session.scalars(select(model).order_by(*key)).all()
            with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_cell(getattr(row, c)) for c in columns])
            counts[name] = len(rows)
    return counts


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
