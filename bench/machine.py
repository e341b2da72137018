"""The machine a run measured: figures mean little without it."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpu: str
    cpus: int
    ram_gib: float
    system: str
    python: str
    sqlite: str
    postgres: str | None
    started: datetime
    load_start: float

    def describe(self, load_end: float) -> list[str]:
        """A few lines for under the table."""
        postgres = self.postgres or "not used (no --database-url)"
        return [
            f"Machine: {self.cpu}, {self.cpus} CPUs, {self.ram_gib:.1f} GiB RAM; {self.system}",
            f"Python {self.python}; SQLite {self.sqlite}; PostgreSQL {postgres}",
            f"Run {self.started:%Y-%m-%d %H:%M} UTC; load average (1 min) {self.load_start:.2f} "
            f"at the start, {load_end:.2f} at the end",
        ]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def this_machine(postgres: str | None) -> Machine:
    return Machine(
        cpu=cpu_model(),
        cpus=os.cpu_count() or 0,
        ram_gib=ram_gib(),
        system=f"{platform.system()} {platform.release()}",
        python=sys.version.split()[0],
        sqlite=sqlite3.sqlite_version,
        postgres=postgres,
        started=datetime.now(UTC),
        load_start=load_average(),
    )
