"""Fuzzing chorus.toml: whatever an admin writes, `chorus config check` and start-up answer
with a ConfigError that names what to fix (a key, a line, or that it is not TOML), never a
traceback. Three families of documents: any text, any TOML document, and the example
configuration with keys dropped, values replaced and tables broken."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, WorkspaceConfig, parse_config
from tests.security.fuzzing import TEXT, TOML_VALUES, examples, toml_document
from tests.support.workspace import CONFIG_TOML

RICH_TOML = (
    CONFIG_TOML
    + """
[[sources]]
name = "blog-comments"
kind = "rss"
url = "https://blog.example.com/comments/feed"
network = "blog"
every_minutes = 5

[[routes]]
name = "vip"
department = "support"
min_followers = 50000
intents = ["complaint", "question"]

[[webhooks]]
name = "earshot"
network = "review"
items = "data.results"

[webhooks.fields]
external_id = "id"
text = "body"
"author.handle" = "user.username"

[spike]
threshold = 5
"""
)
EXAMPLE = tomllib.loads(RICH_TOML)


def check(source: str) -> None:
    """The property: a config, or a ConfigError that says where and what."""
    try:
        config = parse_config(source)
    except ConfigError as problem:
        message = str(problem)
        assert message.startswith("chorus.toml"), message
        assert len(message) > len("chorus.toml: "), "the error says nothing"
        assert "Traceback" not in message
        return
    assert isinstance(config, WorkspaceConfig)


@settings(max_examples=examples(150))
@given(st.text())
def test_any_text_is_a_config_or_a_clear_error(source: str) -> None:
    check(source)


@settings(max_examples=examples(150))
@given(st.dictionaries(TEXT, TOML_VALUES, max_size=6))
def test_any_toml_document_is_a_config_or_a_clear_error(data: dict[str, Any]) -> None:
    check(toml_document(data))


def places(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a TOML document, at any depth."""
    found: list[tuple[Any, Any]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        found.append((data, key))
        if isinstance(value, dict | list):
            found += places(value)
    return found


@st.composite
def mutated_examples(draw: st.DrawFn) -> dict[str, Any]:
    """The rich example with up to three values, at any depth, removed or replaced by any
    TOML value, or new keys added beside them."""
    data = copy.deepcopy(EXAMPLE)
    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(places(data)))
        action = draw(st.sampled_from(["remove", "replace", "add"]))
        if action == "remove":
            del container[key]
        elif action == "replace":
            container[key] = draw(TOML_VALUES)
        elif isinstance(container, dict):
            container[draw(TEXT)] = draw(TOML_VALUES)
    return data


@settings(max_examples=examples(300))
@given(mutated_examples())
def test_a_broken_example_config_is_a_config_or_a_clear_error(data: dict[str, Any]) -> None:
    check(toml_document(data))


def test_the_writer_round_trips_the_example() -> None:
    assert tomllib.loads(toml_document(EXAMPLE)) == EXAMPLE
    assert parse_config(toml_document(EXAMPLE)).department("support") is not None
