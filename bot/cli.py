"""The `chorus` command line."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from bot import logs
from bot.cli_digest import add_digest_command
from bot.config import ConfigError, WorkspaceConfig, load_config
from bot.redaction import install_redaction, secrets_from_environment
from bot.settings import Settings, SettingsError, load_settings, require_slack

Command = Callable[[argparse.Namespace], int]


def main(argv: list[str] | None = None) -> int:
    """Run one chorus command; problems end in one clear line and a non-zero exit."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        logs.configure()
        install_redaction(secrets_from_environment())
        return int(args.handler(args))
    except (SettingsError, ConfigError) as problem:
        print(f"chorus: {problem}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chorus", description="Answer customers on social media together, from Slack."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    run = commands.add_parser(
        "run", help="migrate the database, then serve Slack, webhooks and /healthz"
    )
    run.set_defaults(handler=cmd_run)
    sandbox = commands.add_parser(
        "sandbox", help="try Chorus offline in a browser: a Slack stand-in, sample mentions"
    )
    sandbox.add_argument("--port", type=int, default=3000, help="port of the page (default 3000)")
    sandbox.add_argument(
        "--pace", type=float, default=8.0, help="seconds between sample mentions (0: none)"
    )
    sandbox.set_defaults(handler=cmd_sandbox)
    _add_admin_commands(commands)
    _add_listening_commands(commands)
    add_digest_command(commands)
    export = commands.add_parser(
        "export", help="write mentions, drafts, publications and events as CSV"
    )
    export.add_argument(
        "--out", type=Path, required=True, help="folder to write the CSV files into"
    )
    export.set_defaults(handler=cmd_export)
    return parser


def _add_admin_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply every database migration")
    upgrade.set_defaults(handler=cmd_db_upgrade)
    config = commands.add_parser("config", help="workspace configuration")
    config_commands = config.add_subparsers(metavar="ACTION", required=True)
    check = config_commands.add_parser(
        "check", help="check chorus.toml (or FILE) and say what it sets up"
    )
    check.add_argument(
        "file", nargs="?", type=Path, help="path of the file (default: CHORUS_CONFIG)"
    )
    check.set_defaults(handler=cmd_config_check)
    importer = commands.add_parser("import", help="import mentions from a JSON Lines or CSV file")
    importer.add_argument("file", type=Path)
    importer.set_defaults(handler=cmd_import)


def _add_listening_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    route = commands.add_parser("route", help="routing: see where a post would go")
    route_commands = route.add_subparsers(metavar="ACTION", required=True)
    test = route_commands.add_parser(
        "test", help="explain which department a post goes to, and why"
    )
    test.add_argument("text", help="the post's text")
    test.add_argument("--network", default="other", help="network of the post (default: other)")
    test.add_argument("--language", help="language code, when the source gives one")
    test.add_argument("--followers", type=int, help="the author's followers")
    test.add_argument("--author", help="the author's handle")
    test.set_defaults(handler=cmd_route_test)
    sources = commands.add_parser(
        "sources", help="each source's health: last success, last error, mentions brought in"
    )
    sources.set_defaults(handler=cmd_sources)


def offline_services(settings: Settings, config: WorkspaceConfig):  # type: ignore[no-untyped-def]
    """Services without Slack, for commands that only touch the database."""
    from bot.services.core import Services
    from bot.services.workspace import sync_workspace
    from storage.db import make_engine, make_session_factory
    from storage.migrate import upgrade

    upgrade(settings.chorus_database_url)
    services = Services(
        sessions=make_session_factory(make_engine(settings.chorus_database_url)), config=config
    )
    sync_workspace(services)
    return services


def cmd_run(args: argparse.Namespace) -> int:
    from bot.main import build, serve
    from storage.migrate import upgrade

    settings = load_settings()
    require_slack(settings)
    config = load_config(settings.chorus_config)
    upgrade(settings.chorus_database_url)
    serve(build(settings, config))
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    import time

    from bot.sandbox.run import start_sandbox

    logging.getLogger("bot.standin").setLevel(logging.WARNING)  # the stand-in's own chatter
    if not 0 < args.port < 65536:
        print("chorus: --port must be between 1 and 65535", file=sys.stderr)
        return 2
    try:
        sandbox = start_sandbox(port=args.port, pace_seconds=args.pace or None)
    except OSError as error:
        print(
            f"chorus: cannot listen on port {args.port} ({error.strerror}): "
            "try another with --port",
            file=sys.stderr,
        )
        return 2
    # `kill` stops it as Ctrl-C does, so the temporary folder is removed either way.
    signal.signal(signal.SIGTERM, _interrupt)
    print(f"Chorus sandbox: open {sandbox.url} in your browser (Ctrl-C to stop).", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        sandbox.stop()


def _interrupt(*_: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the clean-up
    raise KeyboardInterrupt


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    settings = load_settings()
    upgrade(settings.chorus_database_url)
    print(f"Database is up to date: {_safe_url(settings.chorus_database_url)}")
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    path = args.file or load_settings().chorus_config
    config = load_config(path)
    departments = ", ".join(
        f"{d.key} → {d.channel}" + (" (default)" if d.default else "") for d in config.departments
    )
    print(
        f"{path} is valid: {len(config.departments)} departments ({departments}); "
        f"{len(config.managers)} manager(s); time zone {config.timezone}."
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from bot.services.transfer_files import count_lines, import_file

    path: Path = args.file
    if not path.is_file():
        print(
            f"chorus: {path}: no such file. Give a .jsonl or .csv file of mention objects.",
            file=sys.stderr,
        )
        return 2
    settings = load_settings()
    services = offline_services(settings, load_config(settings.chorus_config))
    with Progress(transient=False) as progress:
        task = progress.add_task(f"Importing {path.name}", total=count_lines(path))
        summary = import_file(services, path, lambda n: progress.advance(task, n))
    print(
        f"Imported {summary.imported}, duplicates {summary.duplicates}, "
        f"rejected {len(summary.rejected)}."
    )
    for line, reason in summary.rejected:
        print(f"  line {line}: {reason}")
    if summary.imported:
        print("Their cards are posted to Slack by the running Chorus (`chorus run`).")
    return 1 if summary.rejected else 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.services.transfer_files import export_all

    settings = load_settings()
    services = offline_services(settings, load_config(settings.chorus_config))
    counts = export_all(services, args.out)
    for name, count in counts.items():
        print(f"{args.out / (name + '.csv')}: {count} rows")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.sources.health import format_health_text, source_health

    settings = load_settings()
    services = offline_services(settings, load_config(settings.chorus_config))
    print(format_health_text(source_health(services), services.clock()))
    return 0


def cmd_route_test(args: argparse.Namespace) -> int:
    from bot.classify import Classifier
    from bot.domain.model import Network
    from bot.domain.routing import Facts, route

    config = load_config(load_settings().chorus_config)
    if args.network not in {n.value for n in Network}:
        print(
            f"chorus: --network must be one of {', '.join(n.value for n in Network)}",
            file=sys.stderr,
        )
        return 2
    verdict = Classifier(config.classification).classify(
        args.text, language=args.language, followers=args.followers, is_advocate=False
    )
    facts = Facts(
        args.text,
        args.network,
        verdict.language,
        verdict.intent.value,
        verdict.sentiment,
        args.followers,
        args.author,
    )
    decision = route(facts, config.department_list(), config.route_rules())
    department = config.department(decision.department_key)
    assert department is not None
    print(f"→ {department.name} ({department.channel}): {decision.reason}")
    mood = "n/a (not English)" if verdict.sentiment is None else f"{verdict.sentiment:+.2f}"
    print(
        f"  language {verdict.language or 'unknown'} · sentiment {mood} · "
        f"intent {verdict.intent.value} · priority {verdict.priority.value} ({verdict.reason})"
    )
    return 0


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
