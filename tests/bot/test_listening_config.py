"""The listening part of chorus.toml: sources, routes, webhook mappings, classification and
spikes. A good file is read as written; each mistake is refused naming what to fix, with
its key and line."""

from __future__ import annotations

import re

import pytest

from bot.config import ConfigError, parse_config
from bot.domain.model import Network
from bot.domain.routing import RouteRule
from tests.support.workspace import CONFIG_TOML

LISTENING = """
[[departments]]
key = "emea"
name = "EMEA"
channel = "C0EMEA"

[[sources]]
name = "blog-comments"
kind = "rss"
url = "https://blog.example.com/comments/feed"
every_minutes = 5

[[sources]]
name = "brand-on-mastodon"
kind = "mastodon"
base_url = "https://social.example"
access_token_env = "MASTODON_TOKEN"
hashtags = ["acme"]

[[sources]]
name = "bluesky-search"
kind = "bluesky"
search_terms = ["acme app"]

[[routes]]
name = "emea"
department = "emea"
languages = ["FR", "de", "es"]

[[routes]]
department = "sales"
intents = ["praise"]
min_followers = 10000
sentiment_min = 0.5

[[routes]]
name = "invoices"
department = "support"
patterns = ['invoice\\s+#?\\d+']
authors = ["@Ana@Social.Example"]
networks = ["mastodon", "x"]

[[webhooks]]
name = "brand24"
network = "x"
items = "results"

[webhooks.fields]
external_id = "id"
text = "content"
"author.handle" = "author.username"

[classification]
urgent_terms = ["lawyer", "chargeback"]
high_reach_followers = 5000

[spike]
threshold = 30
"""


def refusal(source: str) -> str:
    with pytest.raises(ConfigError) as refused:
        parse_config(source)
    return str(refused.value)


def with_extra(extra: str) -> str:
    return CONFIG_TOML + extra


def named_line(message: str, source: str) -> str:
    """The text of the line of `source` the message points at."""
    found = re.search(r"line (\d+)", message)
    assert found, f"no line number in: {message}"
    return source.splitlines()[int(found.group(1)) - 1].strip()


# -- read as written ---------------------------------------------------------------------


def test_a_listening_configuration_is_read_as_written() -> None:
    config = parse_config(with_extra(LISTENING))

    assert [s.name for s in config.sources] == [
        "blog-comments",
        "brand-on-mastodon",
        "bluesky-search",
    ]
    rss, mastodon, bluesky = config.sources
    assert (rss.url, rss.every_minutes, rss.backfill_hours) == (
        "https://blog.example.com/comments/feed",
        5,
        24,
    )
    assert (mastodon.base_url, mastodon.access_token_env, mastodon.hashtags) == (
        "https://social.example",
        "MASTODON_TOKEN",
        ["acme"],
    )
    assert bluesky.search_terms == ["acme app"]
    assert [(s.mention_network) for s in config.sources] == [
        Network.BLOG,
        Network.MASTODON,
        Network.BLUESKY,
    ]
    assert config.classification.urgent_terms == ["lawyer", "chargeback"]
    assert config.classification.high_reach_followers == 5000
    assert (config.spike.threshold, config.spike.show_next) == (30, 10)


def test_routes_become_the_domains_rules_in_order() -> None:
    rules = parse_config(with_extra(LISTENING)).route_rules()

    assert rules == [
        RouteRule(department_key="emea", name="emea", languages=("fr", "de", "es")),
        RouteRule(
            department_key="sales",
            name="route 2",
            intents=("praise",),
            min_followers=10000,
            sentiment_min=0.5,
        ),
        RouteRule(
            department_key="support",
            name="invoices",
            patterns=(r"invoice\s+#?\d+",),
            authors=("@Ana@Social.Example",),
            networks=("mastodon", "x"),
        ),
    ]


def test_a_configuration_without_listening_keys_has_quiet_defaults() -> None:
    config = parse_config(CONFIG_TOML)

    assert (config.sources, config.routes, config.webhooks) == ([], [], [])
    assert config.route_rules() == []
    assert "lawyer" in config.classification.urgent_terms
    assert config.classification.high_reach_followers == 10_000
    assert (config.spike.threshold, config.spike.show_next, config.spike.quiet_minutes) == (
        20,
        10,
        10,
    )


def test_a_source_can_say_which_network_its_posts_are_on() -> None:
    source = with_extra(
        """
[[sources]]
name = "reviews"
kind = "rss"
url = "https://reviews.example/acme.rss"
network = "review"
"""
    )

    [reviews] = parse_config(source).sources

    assert reviews.mention_network is Network.REVIEW


# -- refused, naming what to fix ---------------------------------------------------------

ROUTE_TO_NOWHERE = """
[[routes]]
name = "emea"
department = "emea"
languages = ["fr"]
"""


def test_a_route_to_an_unknown_department_names_it_and_the_known_ones() -> None:
    message = refusal(with_extra(ROUTE_TO_NOWHERE))

    assert "“emea”" in message
    assert "support, sales, general" in message


def test_a_route_to_an_unknown_department_is_named_with_its_key_and_line() -> None:
    source = with_extra(ROUTE_TO_NOWHERE)

    message = refusal(source)

    assert "routes[0].department" in message
    assert named_line(message, source) == 'department = "emea"'


def test_an_invalid_regular_expression_is_named_with_its_line() -> None:
    source = with_extra(
        """
[[routes]]
department = "support"
patterns = ["order #\\\\d+", "(unclosed"]
"""
    )

    message = refusal(source)

    assert "routes[0].patterns" in message
    assert "'(unclosed' is not a valid regular expression" in message
    assert named_line(message, source).startswith("patterns = ")


def test_a_route_without_a_condition_is_refused() -> None:
    source = with_extra(
        """
[[routes]]
name = "everything"
department = "support"
"""
    )

    message = refusal(source)

    assert "routes[0]" in message
    assert "a route needs at least one condition" in message
    assert named_line(message, source) == "[[routes]]"


@pytest.mark.parametrize(
    ("line", "key", "problem"),
    [
        ('language = ["fr"]', "routes[0].language", "check its spelling"),
        ('intents = ["angry"]', "routes[0].intents[0]", "question"),
        ('networks = ["tiktok"]', "routes[0].networks[0]", "mastodon"),
        ("sentiment_min = 2", "routes[0].sentiment_min", "less than or equal to 1"),
        ("min_followers = -5", "routes[0].min_followers", "greater than or equal to 0"),
    ],
)
def test_a_mistaken_route_condition_is_named(line: str, key: str, problem: str) -> None:
    source = with_extra(f'\n[[routes]]\ndepartment = "support"\n{line}\n')

    message = refusal(source)

    assert f": {key}: " in message
    assert problem in message
    assert named_line(message, source) == line


TWO_BLOGS = """
[[sources]]
name = "blog"
kind = "rss"
url = "https://blog.example.com/feed"

[[sources]]
name = "blog"
kind = "rss"
url = "https://blog.example.com/comments/feed"
"""


def test_two_sources_with_one_name_are_refused() -> None:
    message = refusal(with_extra(TWO_BLOGS))

    assert "source names must be unique" in message
    assert "blog" in message


def test_a_repeated_source_name_is_named_with_its_key_and_line() -> None:
    source = with_extra(TWO_BLOGS)

    message = refusal(source)

    assert "sources[1].name" in message
    lines = source.splitlines()
    second = [n for n, line in enumerate(lines, start=1) if line == 'name = "blog"'][1]
    assert f"line {second}:" in message


def test_two_webhook_mappings_with_one_name_are_refused() -> None:
    mapping = """
[[webhooks]]
name = "brand24"
network = "x"

[webhooks.fields]
external_id = "id"
text = "content"
"""

    message = refusal(with_extra(mapping + mapping))

    assert "webhook names must be unique" in message and "brand24" in message


@pytest.mark.parametrize(
    ("table", "needs"),
    [
        ('kind = "rss"', "a rss source needs `url`"),
        (
            'kind = "mastodon"\naccess_token_env = "MASTODON_TOKEN"',
            "a mastodon source needs `base_url`",
        ),
    ],
)
def test_a_source_missing_what_its_kind_needs_is_named(table: str, needs: str) -> None:
    source = with_extra(f'\n[[sources]]\nname = "brand"\n{table}\n')

    message = refusal(source)

    assert "sources[0]" in message and needs in message
    assert named_line(message, source) == "[[sources]]"


A_FEED = ['name = "blog"', 'kind = "rss"', 'url = "https://blog.example.com/feed"']


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('kind = "rss"', 'kind = "twitter"', "sources[0].kind", "'rss', 'mastodon' or 'bluesky'"),
        (
            'url = "https://blog.example.com/feed"',
            'url = "feed://blog.example.com/rss"',
            "sources[0].url",
            "http",
        ),
        (None, "every_minutes = 0", "sources[0].every_minutes", "greater than 0"),
        (None, 'access_token = "secret"', "sources[0].access_token", "check its spelling"),
        (
            None,
            'access_token_env = "my token"',
            "sources[0].access_token_env",
            "environment variable",
        ),
    ],
)
def test_a_mistaken_source_key_is_named_with_its_line(
    old: str | None, new: str, key: str, problem: str
) -> None:
    lines = [new if line == old else line for line in A_FEED] + ([new] if old is None else [])
    source = with_extra("\n[[sources]]\n" + "\n".join(lines) + "\n")

    message = refusal(source)

    assert f": {key}: " in message
    assert problem in message
    assert named_line(message, source) == new


def test_a_source_name_that_is_not_a_simple_name_is_refused() -> None:
    source = with_extra(
        '\n[[sources]]\nname = "My Blog!"\nkind = "rss"\nurl = "https://b.example/f"\n'
    )

    message = refusal(source)

    assert "sources[0].name" in message
    assert "lowercase letters, digits, - or _" in message
    assert named_line(message, source) == 'name = "My Blog!"'


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('\n[[routes]]\ndepartment = "Support"\nlanguages = ["fr"]\n', "routes[0].department"),
        (
            '\n[[sources]]\nname = "m"\nkind = "mastodon"\nbase_url = "social.example"\n',
            "sources[0].base_url",
        ),
        (
            '\n[[webhooks]]\nname = "Brand 24"\nnetwork = "x"\n[webhooks.fields]\n'
            'external_id = "id"\ntext = "t"\n',
            "webhooks[0].name",
        ),
    ],
)
def test_a_listening_key_in_the_wrong_shape_is_not_called_a_slack_user_id(
    extra: str, key: str
) -> None:
    message = refusal(with_extra(extra))

    assert f": {key}: " in message
    assert "Slack user id" not in message, message


def test_an_unknown_classification_key_is_named() -> None:
    source = with_extra('\n[classification]\nurgent_words = ["lawyer"]\n')

    message = refusal(source)

    assert "classification.urgent_words" in message and "check its spelling" in message


def test_classification_languages_are_iso_codes_lingua_knows() -> None:
    config = parse_config(with_extra('\n[classification]\nlanguages = ["EN", "It"]\n'))
    assert config.classification.languages == ["en", "it"]

    source = with_extra('\n[classification]\nlanguages = ["en", "xx"]\n')
    message = refusal(source)

    assert "classification.languages" in message and "“xx”" in message
    assert named_line(message, source) == 'languages = ["en", "xx"]'


def test_a_mistake_in_classification_points_at_its_own_table_not_a_routes_line() -> None:
    source = with_extra(
        """
[[routes]]
department = "support"
languages = ["fr"]

[classification]
languages = ["en", "xx"]
"""
    )

    message = refusal(source)

    assert "classification.languages" in message
    assert named_line(message, source) == 'languages = ["en", "xx"]'
