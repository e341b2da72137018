"""manifest.yml tells the truth about the app: the commands it handles, the scopes it needs.

An admin installs Chorus from manifest.yml. A command missing there never reaches Chorus; a
scope missing there makes Slack refuse a call at the worst moment; a scope nothing uses is
one more permission the admin is asked to grant for nothing. These tests compare the
manifest with the real app, built as `chorus run` builds it, and say what to change.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_bolt import App
from slack_sdk import WebClient

from handlers.ids import Command
from tests.support.slack import button_labels
from tests.support.workspace import ANA, LEAD, Workspace, mention

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "manifest.yml"
SLACK_EVENTS_PATH = "/slack/events"  # where bot/web.py hands requests to Bolt

# The bot scopes each Web API method needs (docs.slack.dev/reference/methods/<method>).
# A method Chorus starts calling must be added here with the scope Slack's page lists.
SCOPES_BY_METHOD: dict[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.delete": frozenset({"chat:write"}),
    "chat.getPermalink": frozenset(),  # "No scope required"
    "views.open": frozenset(),
    "views.push": frozenset(),
    "views.update": frozenset(),
    "views.publish": frozenset(),
    "conversations.open": frozenset({"im:write"}),
    "conversations.info": frozenset({"channels:read"}),
    # Reading a department channel (public or private) for a post whose answer was lost.
    "conversations.history": frozenset({"channels:history", "groups:history"}),
    "conversations.replies": frozenset({"channels:history", "groups:history"}),
    "users.info": frozenset({"users:read"}),
    "auth.test": frozenset(),
    # slack_sdk's files_upload_v2: files.getUploadURLExternal, then files.completeUploadExternal.
    "files.upload.v2": frozenset({"files:write"}),
}
# Commands that read @people (`/chorus role add @ana lead support`): Slack escapes them.
READS_MENTIONS = {"/chorus"}
# Slash commands reach an app only with this scope.
COMMANDS_SCOPE = "commands"
# Bolt hands a listener `say`, which posts with chat.postMessage.
INJECTED_CALLERS = {"say": "chat.postMessage"}

SHORTCUT_KINDS = {"shortcut", "global_shortcut", "message_shortcut"}
EVENT_KINDS = {"event", "message_event"}
INTERACTIVE_KINDS = {
    "action",
    "block_action",
    "view",
    "view_submission",
    "view_closed",
    "options",
    "block_suggestion",
    *SHORTCUT_KINDS,
}
KNOWN_KINDS = {"command", *INTERACTIVE_KINDS, *EVENT_KINDS}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data


# -- what the app registers -------------------------------------------------------------


def registered(app: App) -> dict[str, set[str]]:
    """What the app listens to, by kind: {"command": {"/claim", …}, "action": {…}, …}.

    Bolt keeps each listener's primary matcher first; it is a closure named after the kind
    (`command.<locals>.func`) over the constraint it was registered with.
    """
    found: dict[str, set[str]] = {}
    for listener in app._listeners:
        primary = listener.matchers[0]
        func = primary.func  # type: ignore[attr-defined]
        kind = func.__qualname__.split(".")[0]
        found.setdefault(kind, set()).add(_constraint(inspect.getclosurevars(func).nonlocals))
    return found


def _constraint(values: Mapping[str, Any]) -> str:
    for name in ("command", "callback_id", "event_type", "constraints"):
        if name in values:
            value = values[name]
            if isinstance(value, dict):
                value = value.get("type") or value.get("callback_id") or value.get("action_id")
            return str(getattr(value, "pattern", value))
    return repr(values)


def declared_commands(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    commands = manifest.get("features", {}).get("slash_commands") or []
    return {c["command"]: c for c in commands}


def _difference(what: str, where: str, code: set[str], declared: set[str]) -> str:
    lines = [f"{what} in manifest.yml ({where}) differ from what the app registers:"]
    if code - declared:
        lines.append(f"  add to manifest.yml: {', '.join(sorted(code - declared))}")
    if declared - code:
        lines.append(
            f"  remove from manifest.yml (no listener handles them): "
            f"{', '.join(sorted(declared - code))}"
        )
    return "\n".join(lines)


# -- what the code calls ----------------------------------------------------------------


WEB_API_METHODS = {
    name: name.replace("_", ".")
    for name, value in vars(WebClient).items()
    if callable(value) and not name.startswith("_")
}


def web_api_calls() -> dict[str, list[str]]:
    """Every Slack Web API method the code calls, with where: {"chat.update": ["file:line"]}."""
    calls: dict[str, list[str]] = {}
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "standin" in path.parts:  # the fake Slack answers calls, it makes none
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            where = path.relative_to(ROOT).as_posix()
            for method, line in _calls_in(tree):
                calls.setdefault(method, []).append(f"{where}:{line}")
    return calls


def _calls_in(tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in WEB_API_METHODS:
                found.append((WEB_API_METHODS[node.func.attr], node.lineno))
            elif node.func.attr == "api_call":
                found.append(("api_call", node.lineno))
        elif isinstance(node, ast.FunctionDef):
            for arg in node.args.args:
                if arg.arg in INJECTED_CALLERS:
                    found.append((INJECTED_CALLERS[arg.arg], node.lineno))
    return found


def needed_scopes(calls: dict[str, list[str]], app: App) -> dict[str, list[str]]:
    """Each scope the code needs, with the reasons: {"chat:write": ["chat.update (file:line)"]}."""
    needs: dict[str, list[str]] = {}
    for method, places in calls.items():
        for scope in SCOPES_BY_METHOD[method]:
            needs.setdefault(scope, []).append(f"{method} ({', '.join(places)})")
    if registered(app).get("command"):
        needs.setdefault(COMMANDS_SCOPE, []).append("the slash commands")
    return needs


def declared_scopes(manifest: dict[str, Any]) -> set[str]:
    return set(manifest.get("oauth_config", {}).get("scopes", {}).get("bot") or [])


# -- slash commands ---------------------------------------------------------------------


def test_the_manifest_declares_exactly_the_slash_commands_the_app_registers(
    workspace: Workspace, manifest: dict[str, Any]
) -> None:
    in_code = registered(workspace.chorus.app).get("command", set())
    assert in_code == {c.value for c in Command}, "handlers/ids.py::Command and register() differ"
    declared = set(declared_commands(manifest))
    assert declared == in_code, _difference(
        "Slash commands", "features.slash_commands", in_code, declared
    )


@pytest.mark.parametrize("command", [c.value for c in Command])
def test_each_declared_command_reaches_chorus_and_answers_help_with_its_usage(
    workspace: Workspace, manifest: dict[str, Any], command: str
) -> None:
    assert command in declared_commands(manifest), f"add {command} to manifest.yml"

    response = workspace.slack.command(command, "help", ANA)

    assert response.status == 200, f"{command} is not handled by the app ({response.status})"
    answer = json.loads(response.body)
    assert answer["response_type"] == "ephemeral"
    assert command in answer["text"] and "I don't know" not in answer["text"]


def test_a_command_the_manifest_does_not_declare_is_not_handled(workspace: Workspace) -> None:
    response = workspace.slack.command("/nope", "help", ANA)

    assert response.status == 404


@pytest.mark.parametrize("command", [c.value for c in Command])
def test_the_usage_hint_offers_the_words_the_usage_text_explains(
    workspace: Workspace, manifest: dict[str, Any], command: str
) -> None:
    """Lowercase words in the hint (`next`, `mine`) are typed as is; UPPERCASE are values."""
    hint = declared_commands(manifest)[command].get("usage_hint", "")
    choices = {c.strip() for c in hint.strip("[] ").split("|")}
    hinted = {c for c in choices if re.fullmatch(r"[a-z]+", c)}
    usage = json.loads(workspace.slack.command(command, "help", ANA).body)["text"]
    explained = set(re.findall(rf"`{re.escape(command)} ([a-z]+)`", usage))

    assert hinted - {"help"} <= explained, (
        f"{command}'s usage_hint offers {sorted(hinted - explained - {'help'})}, which its "
        "usage text (handlers/commands.py) does not explain: remove them from the hint"
    )
    assert explained <= hinted, (
        f"{command}'s usage text explains {sorted(explained - hinted)}: add them to its "
        "usage_hint in manifest.yml"
    )


@pytest.mark.parametrize("command", [c.value for c in Command])
def test_the_description_is_the_headline_of_the_usage_text(
    workspace: Workspace, manifest: dict[str, Any], command: str
) -> None:
    description = declared_commands(manifest)[command].get("description", "")
    usage = json.loads(workspace.slack.command(command, "help", ANA).body)["text"]
    headline = usage.splitlines()[0]

    assert description.strip(), f"give {command} a description in manifest.yml"
    if " — " in headline:  # "*/claim* — take a mention to answer it."
        expected = headline.split(" — ", 1)[1].rstrip(".")
        assert description.rstrip(".").lower() == expected.lower(), (
            f"{command}'s description in manifest.yml should read “{expected.capitalize()}”, "
            "as its usage text in handlers/commands.py does"
        )


def test_every_request_url_is_the_one_chorus_serves(manifest: dict[str, Any]) -> None:
    urls = [c.get("url") for c in declared_commands(manifest).values()]
    urls.append(manifest["settings"]["interactivity"].get("request_url"))
    events = manifest["settings"].get("event_subscriptions") or {}
    if events:
        urls.append(events.get("request_url"))

    wrong = [
        u for u in urls if not (u and u.startswith("https://") and u.endswith(SLACK_EVENTS_PATH))
    ]

    assert not wrong, f"request URLs must be https://<host>{SLACK_EVENTS_PATH} (HTTP mode): {wrong}"


# -- scopes -----------------------------------------------------------------------------


def test_the_code_calls_only_web_api_methods_whose_scopes_are_known() -> None:
    calls = web_api_calls()

    assert "api_call" not in calls, (
        f"call Slack through WebClient's named methods, not api_call ({calls.get('api_call')}), "
        "so this test can check the scopes"
    )
    unknown = {m: places for m, places in calls.items() if m not in SCOPES_BY_METHOD}
    assert not unknown, (
        f"the code calls {unknown}: add each to SCOPES_BY_METHOD in tests/test_manifest.py with "
        "the bot scope Slack's method page lists, then to manifest.yml if it is new"
    )
    assert {"chat.postMessage", "chat.update", "views.open"} <= set(calls)


def test_the_manifest_asks_for_every_scope_the_code_needs(
    workspace: Workspace, manifest: dict[str, Any]
) -> None:
    needs = needed_scopes(web_api_calls(), workspace.chorus.app)
    missing = {scope: why for scope, why in needs.items() if scope not in declared_scopes(manifest)}

    assert not missing, "add to oauth_config.scopes.bot in manifest.yml: " + "; ".join(
        f"{scope}, needed by {', '.join(why)}" for scope, why in sorted(missing.items())
    )


def test_the_manifest_asks_for_no_scope_nothing_uses(
    workspace: Workspace, manifest: dict[str, Any]
) -> None:
    needs = needed_scopes(web_api_calls(), workspace.chorus.app)
    unused = declared_scopes(manifest) - set(needs)

    assert not unused, (
        f"remove {sorted(unused)} from oauth_config.scopes.bot in manifest.yml: no call in "
        "bot/ or handlers/ needs them, and the installing admin is asked to grant each one"
    )


def test_a_whole_conversation_with_slack_stays_within_the_declared_scopes(
    workspace: Workspace, manifest: dict[str, Any]
) -> None:
    ws, standin = workspace, workspace.standin
    ws.receive(mention())
    [card] = standin.messages("C0SUPPORT")
    ws.slack.click(card, "Claim", ANA)
    ws.slack.click(ws.card(1), "Draft reply", ANA)
    ws.slack.submit(ws.open_view(), {"reply": "Hi Ana! We're on it."}, ANA)
    ws.deliver()
    [review] = standin.thread("C0SUPPORT", card["ts"])
    ws.slack.click(review, "Request changes", LEAD)
    ws.slack.submit(ws.open_view(), {"note": "Add the status page link"}, LEAD)
    ws.deliver()
    [dm] = standin.messages(f"D{ANA}")
    assert button_labels(dm) == ["Revise draft"]
    ws.slack.command("/mentions", "mine", ANA)
    ws.slack.command("/claim", "next", ANA)  # nothing waiting: refused, in the error handler

    called = {call.method for call in standin.calls} - {"response_url"}
    unknown = called - set(SCOPES_BY_METHOD)
    assert not unknown, f"add {sorted(unknown)} to SCOPES_BY_METHOD with their scopes"
    missing = set().union(*(SCOPES_BY_METHOD[m] for m in called)) - declared_scopes(manifest)
    assert not missing, (
        f"Slack would refuse {sorted(called)} without {sorted(missing)}: "
        "add them to oauth_config.scopes.bot in manifest.yml"
    )
    assert {"chat.postMessage", "chat.update", "views.open"} <= called


# -- settings and surfaces --------------------------------------------------------------


def test_socket_mode_and_interactivity_are_on(
    workspace: Workspace, manifest: dict[str, Any]
) -> None:
    settings = manifest["settings"]
    kinds = set(registered(workspace.chorus.app))

    assert settings.get("socket_mode_enabled") is True, (
        "set settings.socket_mode_enabled: true in manifest.yml (the README installs Chorus "
        "in Socket Mode: no public URL needed)"
    )
    assert kinds & INTERACTIVE_KINDS, "the app registers no buttons or modals?"
    assert settings.get("interactivity", {}).get("is_enabled") is True, (
        "the app handles buttons and modals: set settings.interactivity.is_enabled: true"
    )


def test_every_kind_of_listener_is_one_this_test_knows(workspace: Workspace) -> None:
    unknown = set(registered(workspace.chorus.app)) - KNOWN_KINDS

    assert not unknown, (
        f"the app registers {sorted(unknown)} listeners: teach tests/test_manifest.py what "
        "they need in manifest.yml"
    )


def test_the_manifest_declares_exactly_the_shortcuts_the_app_registers(
    workspace: Workspace, manifest: dict[str, Any]
) -> None:
    found = registered(workspace.chorus.app)
    in_code = set().union(*(found.get(kind, set()) for kind in SHORTCUT_KINDS))
    declared = {s["callback_id"] for s in manifest.get("features", {}).get("shortcuts") or []}

    assert declared == in_code, _difference("Shortcuts", "features.shortcuts", in_code, declared)


def test_the_manifest_subscribes_to_exactly_the_events_the_app_handles(
    workspace: Workspace, manifest: dict[str, Any]
) -> None:
    found = registered(workspace.chorus.app)
    in_code = set().union(*(found.get(kind, set()) for kind in EVENT_KINDS))
    subscriptions = manifest["settings"].get("event_subscriptions") or {}
    # message.channels, message.im, … all arrive as the "message" event.
    declared = {e.split(".")[0] for e in subscriptions.get("bot_events") or []}

    assert declared == in_code, _difference(
        "Events", "settings.event_subscriptions.bot_events", in_code, declared
    )


def test_authors_can_read_the_direct_messages_chorus_sends(manifest: dict[str, Any]) -> None:
    app_home = manifest.get("features", {}).get("app_home") or {}

    assert app_home.get("messages_tab_enabled") is True, (
        "Chorus DMs draft authors the reviewer's decision: set "
        "features.app_home.messages_tab_enabled: true"
    )
    if not (manifest["settings"].get("event_subscriptions") or {}).get("bot_events"):
        assert app_home.get("messages_tab_read_only_enabled") is True, (
            "nothing reads messages sent to Chorus: set messages_tab_read_only_enabled: true "
            "so people don't write into the void"
        )


def test_the_app_is_presented_within_slacks_limits(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]

    assert info["name"] == "Chorus"
    assert manifest["features"]["bot_user"]["display_name"] == "Chorus"
    assert 0 < len(info["description"]) <= 140, "display_information.description: 140 at most"
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"]), "use #RRGGBB"
    if "long_description" in info:
        assert 174 <= len(info["long_description"]) <= 4000, "long_description: 174 to 4000"
    for command, entry in declared_commands(manifest).items():
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", command), f"{command}: not a slash command name"
        if command in READS_MENTIONS:
            assert entry.get("should_escape") is True, (
                f"{command} reads @mentions as user ids: set should_escape: true"
            )
        else:
            assert entry.get("should_escape") is False, (
                f"{command} reads ids and words, not @mentions: set should_escape: false"
            )
