"""Strategies for the fuzzing tests: JSON that looks like nothing, JSON that looks almost like a
mention, TOML documents, and the words people type. Plus `examples(n)`: n examples in CI, more
when CHORUS_FUZZ_EXAMPLES asks for a long run."""

from __future__ import annotations

import json
import math
import os
from typing import Any

from hypothesis import strategies as st

from tests.support.workspace import mention


def examples(n: int) -> int:
    return int(os.environ.get("CHORUS_FUZZ_EXAMPLES") or n)


# Text as people and tools send it: any code point but surrogates, which no UTF-8 body holds.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
MENTION_FIELDS = [
    "network",
    "external_id",
    "url",
    "text",
    "author",
    "created_at",
    "language",
    "source",
]


@st.composite
def almost_mentions(draw: st.DrawFn) -> dict[str, Any]:
    """A valid mention with some fields dropped or replaced by anything at all."""
    item: dict[str, Any] = mention(f"fuzz-{draw(st.integers(0, 10**6))}")
    for field in draw(st.lists(st.sampled_from(MENTION_FIELDS), max_size=3, unique=True)):
        if draw(st.booleans()):
            item.pop(field)
        else:
            item[field] = draw(JSON | SCALARS)
    if "author" in item and isinstance(item["author"], dict) and draw(st.booleans()):
        item["author"] = {
            **item["author"],
            draw(st.sampled_from(["handle", "url", "followers"])): draw(JSON),
        }
    return item


def _places(data: Any) -> list[tuple[Any, Any]]:
    found: list[tuple[Any, Any]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        found.append((data, key))
        if isinstance(value, dict | list) and value:
            found += _places(value)
    return found


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """`base` (JSON) with up to three values, at any depth, removed or replaced by any JSON."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        spots = _places(data)
        if not spots:
            break
        container, key = draw(st.sampled_from(spots))
        if draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(JSON)
    return data


WEBHOOK_BODIES = st.one_of(
    JSON.map(json.dumps),
    almost_mentions().map(json.dumps),
    st.lists(almost_mentions(), min_size=1, max_size=3).map(lambda m: json.dumps({"mentions": m})),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


# -- TOML --------------------------------------------------------------------------------------

TOML_SCALARS = st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | TEXT
TOML_VALUES = st.recursive(
    TOML_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def toml_document(data: dict[str, Any]) -> str:
    """Write `data` as TOML: scalars and inline tables first, then [tables], then [[arrays]]."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in data.items() if not _is_table(v)]
    for key, value in data.items():
        if isinstance(value, dict) and value:
            lines += ["", f"[{_key(key)}]", *(f"{_key(k)} = {_value(v)}" for k, v in value.items())]
        elif _is_table_array(value):
            for table in value:
                lines += ["", f"[[{_key(key)}]]"]
                lines += [f"{_key(k)} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _is_table(value: Any) -> bool:
    return (isinstance(value, dict) and bool(value)) or _is_table_array(value)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _key(key: str) -> str:
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(key, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _key(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
