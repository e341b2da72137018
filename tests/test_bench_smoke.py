"""The benchmark suite still runs: `python -m bench --quick`, every row of its table there.

Timings are the bench's business (DESIGN.md §6), so nothing here looks at a figure; only at
the rows, and at the exit status, which says whether Chorus did anything wrong while being
measured (a claim lost or doubled, a request unanswered, a digest unlike the SQL's).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ROWS = (
    "Claim button ack, steady",
    "/claim ack, steady",
    "Claim button ack, burst",
    "/claim ack, burst",
    "claims made, each once; requests answered",
    "memory of `chorus run` after it (VmRSS)",
    "ingest, webhook over HTTP",
    "ingest, chorus import",
    "memory of the bench, ingest peak",
    "digest, department (support)",
    "digest, company",
    "memory of the bench, digests' peak",
)


def test_the_quick_suite_prints_every_row_and_the_machine() -> None:
    env = {**os.environ, "COLUMNS": "400"}  # wide enough that no label folds
    env.pop("CHORUS_TEST_POSTGRES_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # generous: a loaded 2-core CI machine
    )
    assert done.returncode == 0, done.stdout + done.stderr[-5000:]
    table = done.stdout
    for row in ROWS:
        assert row in table, f"no row “{row}” in:\n{table}"
    assert table.count("SQLite") >= len(ROWS)
    for line in ("Machine: ", "Python 3.", "SQLite 3.", "load average"):
        assert line in table
    claims = next(line for line in table.splitlines() if "claims made" in line)
    assert "PASS" in claims, claims
