"""The suite's ingest and digest parts: bench.ingest's and bench.digest's own measurements,
each on a database of its own, with the bench process's peak memory while it ran."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from bench import digest, ingest
from bench.databases import fresh_postgres
from bot.config import parse_config
from bot.standin import SlackStandIn

MIB = 1024 * 1024 / 1e6  # MB in a MiB


@dataclass(frozen=True)
class IngestRun:
    database: str
    mentions: int
    webhook: float  # mentions/s
    import_file: float  # mentions/s
    bulk_insert: float  # mentions/s
    peak_mb: float | None  # the bench process's peak while ingesting


@dataclass(frozen=True)
class DigestRun:
    database: str
    mentions: int
    results: list[digest.Result]  # the busiest department's, then the company's
    measuring_mb: float | None  # the bench process's peak while computing the digests


def part_database(server_url: str | None, part: str) -> AbstractContextManager[str | None]:
    """A new PostgreSQL database for one part, or None: the part makes SQLite files."""
    return fresh_postgres(server_url, part) if server_url else nullcontext(None)


def peak_mb() -> float | None:
    found = digest.peak_rss()
    return found * MIB if found is not None else None


@contextmanager
def peak_tracked() -> Iterator[None]:
    """Reset the process's peak resident memory (Linux), so a part's own peak shows."""
    digest.reset_peak_rss()
    yield


def run_ingest(label: str, server_url: str | None, count: int) -> IngestRun:
    """Webhook and import throughput, and the plain bulk insert, each on a fresh database."""
    folder = Path(tempfile.mkdtemp(prefix="chorus-bench-ingest-"))
    with peak_tracked(), SlackStandIn() as standin:
        with part_database(server_url, "bulk") as url:
            bulk = ingest.bench_baseline(folder, count, url)
        with part_database(server_url, "import") as url:
            imported = ingest.bench_import(standin, folder, count, url)
        with part_database(server_url, "webhook") as url:
            webhook = ingest.bench_webhook(standin, folder, count, url)
        return IngestRun(label, count, webhook, imported, bulk, peak_mb())


def run_digest(label: str, server_url: str | None, mentions: int, say: Console) -> DigestRun:
    """The weekly digest on `mentions` mentions, beside the one hand-written SQL query."""
    sizes = digest.Sizes(mentions, max(10, mentions // 10))
    config = parse_config(digest.CONFIG_TOML)
    with peak_tracked():
        databases = (
            fresh_postgres(server_url, "digest")
            if server_url
            else digest.sqlite_database(None, keep=False)
        )
        with databases as url:
            run = digest.run(label, url, config, sizes, say)
    measuring = run.rss_measuring * MIB if run.rss_measuring is not None else None
    return DigestRun(label, mentions, run.results, measuring)
