"""The suite's one table: each figure beside its baseline, its target and the verdict."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table

from bench.latency import THINK, LatencyRun, Pair
from bench.load import Latencies
from bench.parts import DigestRun, IngestRun

ACK_P99_MS = 50
ACK_RATIO = 1.5
STEADY_MB = 150
DIGEST_SECONDS = 1.0

KINDS = {"click": "Claim button", "command": "/claim"}
SHAPES = {"steady": "steady", "burst": "burst"}
NOTES = (
    f"steady: 20 people, each at their own pace, {THINK[0]:g}–{THINK[1]:g} s between requests; "
    "burst: all 20 at the same moment, round after round, each round on a settled Chorus.",
    "ack: from opening the connection to the last byte of the answer, as Slack waits for it; "
    "p50 / p99 / max in ms. Baselines: a bare Bolt app that only acks, served the same way, "
    "measured in the same run, blocks interleaved; a plain SQLAlchemy bulk insert; one "
    "hand-written SQL query for the digest's figures.",
)
COLUMNS = ("measure", "database", "Chorus", "baseline", "ratio", "target", "result")


@dataclass(frozen=True)
class Row:
    measure: str
    database: str
    chorus: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    result: str = "—"
    broken: bool = False  # Chorus did something wrong (not merely slowly)


def verdict(ok: bool) -> str:
    return "[green]PASS[/]" if ok else "[red]FAIL[/]"


def ms_triple(latencies: Latencies) -> str:
    return f"{latencies.p50 * 1000:.1f} / {latencies.p99 * 1000:.1f} / {latencies.max * 1000:.1f}"


def latency_row(database: str, shape: str, kind: str, pair: Pair) -> Row:
    ratio = pair.chorus.p99 / pair.bare.p99
    ok = pair.chorus.p99 * 1000 < ACK_P99_MS and ratio <= ACK_RATIO
    return Row(
        measure=f"{KINDS[kind]} ack, {shape}, {len(pair.chorus.samples)} requests, ms",
        database=database,
        chorus=ms_triple(pair.chorus),
        baseline=f"bare Bolt {ms_triple(pair.bare)}",
        ratio=f"p99 {ratio:.1f}×",
        target=f"p99 < {ACK_P99_MS} ms, ≤ {ACK_RATIO:g}×",
        result=verdict(ok),
    )


def latency_rows(run: LatencyRun) -> list[Row]:
    rows = [
        latency_row(run.database, shape, kind, run.pairs[shape, kind])
        for shape in SHAPES
        for kind in KINDS
    ]
    check = run.check
    rows.append(
        Row(
            measure="claims made, each once; requests answered",
            database=run.database,
            chorus=(
                f"{check.claimed:,} of {check.expected:,} ({check.claim_events:,} events); "
                f"{check.answered:,} of {check.requests:,}"
            ),
            target="all, once",
            result=verdict(check.ok),
            broken=not check.ok,
        )
    )
    memory = run.chorus_memory
    rows.append(
        Row(
            measure="memory of `chorus run` after it (VmRSS)",
            database=run.database,
            chorus=f"{memory.rss:.0f} MB, peak {memory.peak:.0f} MB",
            baseline=f"bare Bolt {run.bare_memory.rss:.0f} MB",
            target=f"< {STEADY_MB} MB",
            result=verdict(memory.rss < STEADY_MB),
        )
    )
    return rows


def ingest_rows(run: IngestRun) -> list[Row]:
    def row(what: str, rate: float) -> Row:
        return Row(
            measure=f"ingest, {what}, {run.mentions:,}",
            database=run.database,
            chorus=f"{rate:,.0f} mentions/s",
            baseline=f"bulk insert {run.bulk_insert:,.0f}/s",
            ratio=f"{rate / run.bulk_insert:.2f}×",
        )

    peak = f"{run.peak_mb:.0f} MB" if run.peak_mb is not None else "not measured"
    return [
        row("webhook over HTTP", run.webhook),
        row("chorus import", run.import_file),
        Row("memory of the bench, ingest peak", run.database, peak),
    ]


def digest_rows(run: DigestRun) -> list[Row]:
    rows = []
    for result in run.results:
        agree = "same figures" if not result.disagree else "[red]other figures[/]"
        ok = result.best < DIGEST_SECONDS and result.first < DIGEST_SECONDS and not result.disagree
        rows.append(
            Row(
                measure=f"digest, {result.scope}, {run.mentions:,} mentions",
                database=run.database,
                chorus=f"{result.best * 1000:,.0f} ms (first {result.first * 1000:,.0f} ms)",
                baseline=f"SQL {result.sql * 1000:,.0f} ms, {agree}",
                ratio=f"{result.best / result.sql:.1f}×",
                target=f"< {DIGEST_SECONDS:g} s",
                result=verdict(ok),
                broken=bool(result.disagree),
            )
        )
    measuring = f"{run.measuring_mb:.0f} MB" if run.measuring_mb is not None else "not measured"
    rows.append(Row("memory of the bench, digests' peak", run.database, measuring))
    return rows


def skipped(measure: str, why: str) -> Row:
    return Row(measure=measure, database="—", chorus=f"skipped ({why})")


def table(rows: list[Row], title: str) -> Table:
    grid = Table(title=title, show_lines=False)
    for name in COLUMNS:
        grid.add_column(name, overflow="fold")
    for row in rows:
        grid.add_row(
            row.measure, row.database, row.chorus, row.baseline, row.ratio, row.target, row.result
        )
    return grid
