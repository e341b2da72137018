"""Errors in chorus.toml, worded for the admin: the file, the line and the key to fix."""

from __future__ import annotations

import re
from typing import Any


def department_conflict(data: dict[str, Any], source: str, name: str) -> str | None:
    """Name the line of a repeated department key or of a second default."""
    departments = data.get("departments")
    if not isinstance(departments, list):
        return None
    first_of: dict[object, int] = {}
    default_at: int | None = None
    for index, table in enumerate(departments):
        if not isinstance(table, dict):
            continue
        key = table.get("key")
        # A key that is not text (a list, a table) is for the validation to name, below.
        if isinstance(key, str) and key in first_of:
            return _located(
                name,
                source,
                ["departments", index, "key"],
                f"“{key}” is already the key of departments[{first_of[key]}]; "
                "department keys must be unique",
            )
        if isinstance(key, str):
            first_of[key] = index
        if table.get("default") is True and default_at is not None:
            return _located(
                name,
                source,
                ["departments", index, "default"],
                f"departments[{default_at}] is already the default; exactly one "
                "department needs `default = true` (the catch-all)",
            )
        if table.get("default") is True:
            default_at = index
    return None


def listening_conflict(data: dict[str, Any], source: str, name: str) -> str | None:
    """Name the line of a route to an unknown department or of a repeated source/webhook name."""
    keys = [t.get("key") for t in _tables(data, "departments")]
    for index, table in enumerate(_tables(data, "routes")):
        department = table.get("department")
        if isinstance(department, str) and department not in keys:
            known = ", ".join(str(k) for k in keys)
            problem = f"“{department}” is not a department; use one of: {known}"
            return _located(name, source, ["routes", index, "department"], problem)
    for section, what in (("sources", "source"), ("webhooks", "webhook")):
        first_of: dict[object, int] = {}
        for index, table in enumerate(_tables(data, section)):
            value = table.get("name")
            if not isinstance(value, str):
                continue
            if value in first_of:
                problem = (
                    f"“{value}” is already the name of {section}[{first_of[value]}]; "
                    f"{what} names must be unique"
                )
                return _located(name, source, [section, index, "name"], problem)
            first_of[value] = index
    return None


def _tables(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    tables = data.get(section)
    return [t for t in tables if isinstance(t, dict)] if isinstance(tables, list) else []


def _located(name: str, source: str, loc: list[Any], problem: str) -> str:
    return f"{name} line {_line_of(source, loc)}: {_dotted(loc)}: {problem}"


def describe(name: str, source: str, error: Any) -> str:
    # Pydantic's own model names (capitalised) are not keys of the file; "" (a key TOML
    # allows as `"" = …`) has no first letter to look at.
    loc = [part for part in error["loc"] if not isinstance(part, str) or part[:1].islower()]
    key = _dotted(loc)
    line = _line_of(source, loc)
    where = f"{name} line {line}" if line else name
    problem = error["msg"].removeprefix("Value error, ")
    if error["type"] == "string_pattern_mismatch":
        problem = _pattern_hint(loc)
    elif error["type"] == "string_type" and loc[:1] == ["webhooks"] and "fields" in loc:
        # TOML reads `author.handle = "…"` as a table `author`; the target must be quoted.
        inner = next(iter(error["input"]), "handle") if isinstance(error["input"], dict) else "…"
        problem = f'write a dotted target in quotes: "{loc[-1]}.{inner}" = "path.in.their.json"'
    elif error["type"] == "extra_forbidden":
        problem = "is not a key Chorus knows; check its spelling"
    return f"{where}: {key or 'top level'}: {problem}"


def _pattern_hint(loc: list[Any]) -> str:
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    url = "must be an http:// or https:// URL"
    env = "must be the name of an environment variable (like MASTODON_TOKEN), not the secret"
    hints = {
        "managers": "must be a Slack user id like U0MANAGER (not a @name)",
        "leads": "must be a Slack user id like U0LEAD (not a @name)",
        "department": "must be a department key: lowercase letters, digits, - or _",
        "name": "must be lowercase letters, digits, - or _ (like blog-comments)",
        "url": url,
        "base_url": url + ", like https://mastodon.social",
        "access_token_env": env,
        "app_password_env": env,
        "languages": "must be a two-letter ISO 639-1 code like fr",
        "channel": "must be a Slack channel id like C0SUPPORT (not a #name)",
        "company_channel": "must be a Slack channel id like C0SOCIAL (not a #name)",
        "key": "must be lowercase letters, digits, - or _",
    }
    return hints.get(field, "is not in the expected form")


def _dotted(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(source: str, loc: list[Any]) -> int | None:
    """Find the line a location points at: the Nth [[table]] header, then the key in it."""
    lines = source.splitlines()
    start, end = 0, len(lines)
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        headers = [i for i, ln in enumerate(lines) if ln.strip() == f"[[{loc[0]}]]"]
        if loc[1] < len(headers):
            start = headers[loc[1]]
            # The table ends at the next header that is not one of its own sub-tables.
            own = f"[{loc[0]}."
            later = [
                i
                for i, ln in enumerate(lines)
                if i > start and ln.lstrip().startswith("[") and not ln.lstrip().startswith(own)
            ]
            end = later[0] if later else len(lines)
            loc = loc[2:]
    elif len(loc) >= 2 and isinstance(loc[0], str):
        # A key of a plain [table] such as [classification]: look only inside that table.
        headers = [i for i, ln in enumerate(lines) if ln.strip() == f"[{loc[0]}]"]
        if headers:
            start = headers[0]
            later = [i for i, ln in enumerate(lines) if i > start and ln.lstrip().startswith("[")]
            end = later[0] if later else len(lines)
            loc = loc[1:]
    key = next((p for p in reversed(loc) if isinstance(p, str)), None)
    if key is not None:
        # `author.handle = …` is the line of key `author` too: TOML made it a table.
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*[=.]")
        for i in range(start, end):
            if pattern.match(lines[i]):
                return i + 1
    return start + 1 if start else None
