"""Reply lengths counted as each network counts them: Bluesky graphemes, Mastodon with links
as 23 and far servers free, X's weighted characters; other limits from chorus.toml."""

from __future__ import annotations

import pytest

from bot.config import parse_config
from bot.domain.errors import WorkflowError
from bot.domain.model import Network
from bot.reply_length import network_lengths
from tests.support.workspace import CONFIG_TOML

LENGTHS = network_lengths()
FAMILY = "👨‍👩‍👧‍👦"  # seven code points, one character on screen
FLAG = "🇫🇷"
THUMB = "👍🏽"
LONG_LINK = "https://help.acme.com/articles/exporting-your-data-to-csv?ref=support-reply"


@pytest.mark.parametrize(
    ("network", "text", "length"),
    [
        (Network.BLUESKY, "hello", 5),
        (Network.BLUESKY, FAMILY, 1),
        (Network.BLUESKY, FLAG + THUMB, 2),
        (Network.BLUESKY, "e\u0301te\u0301", 3),  # "été" with combining accents
        (Network.BLUESKY, LONG_LINK, len(LONG_LINK)),  # Bluesky counts links in full
        (Network.MASTODON, "See " + LONG_LINK, 4 + 23),
        (Network.MASTODON, "@ana@social.example thanks!", len("@ana thanks!")),
        (Network.MASTODON, FAMILY + " ok", 4),
        (Network.X, "hello", 5),
        (Network.X, "日本語", 6),
        (Network.X, "Read " + LONG_LINK, 5 + 23),
        (Network.X, THUMB, 2),
        (Network.LINKEDIN, FAMILY, len(FAMILY)),
    ],
)
def test_each_network_counts_its_own_way(network: Network, text: str, length: int) -> None:
    assert LENGTHS.length(network, text) == length


@pytest.mark.parametrize(
    ("network", "fits", "too_long"),
    [
        (Network.BLUESKY, FAMILY * 300, FAMILY * 301),
        (Network.MASTODON, "a" * 477 + LONG_LINK, "a" * 478 + LONG_LINK),
        (Network.X, "日" * 140, "日" * 140 + "a"),
    ],
)
def test_a_reply_fits_up_to_the_limit_and_not_one_past_it(
    network: Network, fits: str, too_long: str
) -> None:
    assert LENGTHS.check(network, fits) == fits
    with pytest.raises(WorkflowError) as refused:
        LENGTHS.check(network, too_long)
    assert "Shorten it by 1." in str(refused.value)


def test_the_refusal_says_how_the_network_counts() -> None:
    with pytest.raises(WorkflowError) as refused:
        LENGTHS.check(Network.X, "日" * 141)

    assert str(refused.value) == (
        "X replies can be at most 280 characters (links count as 23, most emoji and CJK "
        "characters as 2); this one has 282. Shorten it by 2."
    )


def test_other_networks_take_their_limit_from_chorus_toml_but_not_the_big_three() -> None:
    config = parse_config(
        CONFIG_TOML + "\n[publishing.reply_limits]\nlinkedin = 3000\nbluesky = 1000\n"
    )

    lengths = LENGTHS.with_limits(config.publishing.reply_limits)

    assert lengths.rule(Network.LINKEDIN).limit == 3000
    assert lengths.rule(Network.BLUESKY).limit == 300  # the network's own rule wins


def test_an_unknown_network_in_reply_limits_is_a_clear_error() -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError) as bad:
        parse_config(CONFIG_TOML + "\n[publishing.reply_limits]\nmyspace = 10\n")

    assert "myspace" in str(bad.value)
