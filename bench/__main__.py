"""The benchmark suite: one command, one table.

    python -m bench [--database-url postgresql+psycopg://USER:PASS@127.0.0.1:5432/DB]
                    [--rounds 25] [--ingest-mentions 20000] [--mentions 1000000]
                    [--skip-digest] [--quick]

- acknowledgement latency of the Claim button and /claim, 20 people over HTTP, Chorus
  (`chorus run`) beside a bare Bolt app that only acknowledges (bench.latency);
- ingest throughput of the webhook and of `chorus import` beside a plain bulk insert
  (bench.ingest);
- the weekly digest on a million mentions beside one hand-written SQL query (bench.digest);
- memory: the Chorus server's, and the bench's own while ingesting and building digests.

Every part runs on SQLite, and again on PostgreSQL with --database-url (the bench creates
and drops databases of its own beside the one named; see bench.databases). Progress goes
to standard error; the table and the machine to standard output. Everything stays on
127.0.0.1. The exit status is 1 only when Chorus did something wrong (a claim lost or
doubled, a digest's figures unlike the SQL's); a missed speed target is a finding, shown in
the table, not an error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console

from bench import report
from bench.databases import postgres_version, with_psycopg
from bench.latency import run_latency
from bench.machine import load_average, this_machine
from bench.parts import part_database, run_digest, run_ingest
from bench.report import Row


@dataclass(frozen=True)
class Sizes:
    rounds: int
    warmup: int
    ingest: int
    digest: int


def sizes_of(args: argparse.Namespace) -> Sizes:
    if args.quick:
        return Sizes(rounds=2, warmup=1, ingest=1000, digest=1000)
    return Sizes(args.rounds, args.warmup, args.ingest_mentions, args.mentions)


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(prog="python -m bench", description="Chorus's benchmarks.")
    found.add_argument(
        "--database-url",
        help="a PostgreSQL server (and a database the bench may connect to): every part runs "
        "there too, in databases of its own",
    )
    found.add_argument("--rounds", type=int, default=25, help="measured rounds per kind and pace")
    found.add_argument("--warmup", type=int, default=2, help="warm-up rounds (default 2)")
    found.add_argument("--ingest-mentions", type=int, default=20_000)
    found.add_argument("--mentions", type=int, default=1_000_000, help="the digest's mentions")
    found.add_argument("--skip-digest", action="store_true", help="leave the digest out")
    found.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run to check the suite works: 2 rounds, 1,000 mentions, SQLite only",
    )
    return found


def databases(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """(label, PostgreSQL server URL or None for SQLite) of each database to measure."""
    found: list[tuple[str, str | None]] = [("SQLite", None)]
    if args.database_url and not args.quick:
        found.append(("PostgreSQL", with_psycopg(args.database_url)))
    return found


def measure(args: argparse.Namespace, sizes: Sizes, say: Console) -> list[Row]:
    rows: list[Row] = []
    for label, server in databases(args):

        def latency(label: str = label, server: str | None = server) -> list[Row]:
            with part_database(server, "latency") as url:
                return report.latency_rows(
                    run_latency(label, url, sizes.rounds, sizes.warmup, say.print)
                )

        def ingest(label: str = label, server: str | None = server) -> list[Row]:
            return report.ingest_rows(run_ingest(label, server, sizes.ingest))

        def digest(label: str = label, server: str | None = server) -> list[Row]:
            return report.digest_rows(run_digest(label, server, sizes.digest, say))

        rows += part(label, "acknowledgement latency", latency, say)
        rows += part(label, f"ingest of {sizes.ingest:,} mentions", ingest, say)
        if args.skip_digest:
            rows.append(report.skipped("digest", "--skip-digest"))
        else:
            rows += part(label, f"digest on {sizes.digest:,} mentions", digest, say)
    return rows


def part(label: str, what: str, run: Callable[[], list[Row]], say: Console) -> list[Row]:
    """One part's rows; a part that fails becomes a row saying so, and the others still run
    (a failure half an hour into a run must not lose what came before)."""
    say.print(f"[bold]{label}[/]: {what} …")
    try:
        return run()
    except Exception as error:  # noqa: BLE001 - reported in the table and the exit status
        say.print_exception()
        return [Row(what, label, f"[red]failed: {type(error).__name__}[/]", broken=True)]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    sizes = sizes_of(args)
    say = Console(stderr=True)
    server = databases(args)[-1][1]
    machine = this_machine(postgres_version(server) if server else None)
    rows = measure(args, sizes, say)
    # Piped into a file or a CI log, rich would fold the table to 80 columns; COLUMNS wins.
    width = int(os.environ.get("COLUMNS") or 150)
    out = Console(width=None if sys.stdout.isatty() else width)
    out.print(report.table(rows, "Chorus benchmarks"))
    for line in (*report.NOTES, *machine.describe(load_average())):
        out.print(line, soft_wrap=True)
    command = " ".join(argv if argv is not None else sys.argv[1:])
    out.print(f"Command: python -m bench {command}".rstrip())
    return 1 if any(row.broken for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
