"""`chorus digest --preview`: the weekly digest in the terminal, before Monday brings it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import load_config
from bot.settings import load_settings


def add_digest_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    digest = commands.add_parser(
        "digest", help="print the weekly digest (--preview) without sending it"
    )
    digest.add_argument(
        "--preview", action="store_true", required=True, help="print it in the terminal"
    )
    digest.add_argument(
        "--department", metavar="KEY", help="one department, or 'company' (default: all)"
    )
    digest.add_argument(
        "--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W47 (default: last full week)"
    )
    digest.add_argument("--chart", metavar="FILE.png", type=Path, help="also save the chart")
    digest.set_defaults(handler=cmd_digest)


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.cli import offline_services
    from bot.digest_chart import chart_png
    from bot.domain.errors import WorkflowError
    from bot.domain.weeks import last_full_week, parse_week
    from bot.services.digest import compute_digest, scope_named, scopes
    from handlers.digest_view import build_digest_message
    from handlers.terminal import blocks_as_text

    settings = load_settings()
    services = offline_services(settings, load_config(settings.chorus_config))
    try:
        week = parse_week(args.week) if args.week else None
        chosen = [scope_named(services, args.department)] if args.department else scopes(services)
    except (ValueError, WorkflowError) as problem:
        print(f"chorus: {problem}", file=sys.stderr)
        return 2
    week = week or last_full_week(services.clock(), ZoneInfo(services.config.timezone))
    for scope in chosen:
        digest = compute_digest(services, scope, week)
        _, blocks = build_digest_message(digest)
        where = f"to <#{scope.channel}>" if scope.channel else "(no channel set: not sent)"
        print(f"── {scope.key}, {week.label}, {where}")
        print(blocks_as_text([block.to_dict() for block in blocks]))
        if args.chart:
            path = args.chart if len(chosen) == 1 else _per_scope(args.chart, scope.key)
            path.write_bytes(chart_png(digest))
            print(f"Chart saved to {path}")
    return 0


def _per_scope(path: Path, key: str) -> Path:
    return path.with_name(f"{path.stem}-{key}{path.suffix or '.png'}")
