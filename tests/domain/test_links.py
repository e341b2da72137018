"""Links in a reply: found as a reader sees them, rewritten to short links, nothing else moved."""

from __future__ import annotations

import pytest

from bot.domain.links import (
    find_links,
    is_code,
    is_link_preview,
    is_short_link,
    rewrite_links,
    short_url,
)

PUBLIC = "https://chorus.acme.example/"

FOUND = [
    ("No link here, just words.", []),
    ("Status: https://status.acme.example", ["https://status.acme.example"]),
    ("See https://acme.example/help.", ["https://acme.example/help"]),
    ("see https://acme.example/help).", ["https://acme.example/help"]),
    ("(see https://acme.example/help)", ["https://acme.example/help"]),
    ("[docs: https://acme.example/docs]", ["https://acme.example/docs"]),
    (
        "Done? https://acme.example/a, https://acme.example/b; ok!",
        ["https://acme.example/a", "https://acme.example/b"],
    ),
    ("Wow https://acme.example/new!?", ["https://acme.example/new"]),
    ("Read https://acme.example/faq: it helps", ["https://acme.example/faq"]),
    ("'https://acme.example/quoted'", ["https://acme.example/quoted"]),
    ('"https://acme.example/quoted"', ["https://acme.example/quoted"]),
    ("“https://acme.example/curly”", ["https://acme.example/curly"]),
    ("«https://acme.example/fr»", ["https://acme.example/fr"]),
    (
        "Wiki: https://en.wikipedia.org/wiki/Foo_(bar).",
        ["https://en.wikipedia.org/wiki/Foo_(bar)"],
    ),
    ("(https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    (
        "Search https://acme.example/s?q=a&page=2#results now",
        ["https://acme.example/s?q=a&page=2#results"],
    ),
    ("Twice https://acme.example/x and https://acme.example/x.", ["https://acme.example/x"]),
    (
        "Longer one after https://acme.example/x then https://acme.example/xyz",
        ["https://acme.example/x", "https://acme.example/xyz"],
    ),
    ("HTTP://ACME.example/Shout", ["HTTP://ACME.example/Shout"]),
    ("http://acme.example:8080/port", ["http://acme.example:8080/port"]),
    ("ftp://acme.example/file mailto:help@acme.example www.acme.example", []),
    ("Nothing after the scheme: https:// or http://.", []),
    ("Glued xhttps://acme.example is not a link", []),
    ("Merci 🙏https://acme.example/fr👈 à bientôt", ["https://acme.example/fr"]),
    ("詳細はhttps://acme.example/jaをご覧ください。", ["https://acme.example/ja"]),
    ("Café: https://de.wikipedia.org/wiki/Köln — see", ["https://de.wikipedia.org/wiki/Köln"]),
    ("Москва: https://ru.wikipedia.org/wiki/Москва.", ["https://ru.wikipedia.org/wiki/Москва"]),
    ("Angle <https://acme.example/angle> brackets", ["https://acme.example/angle"]),
    ("Broken https://[oops and fine https://acme.example", ["https://acme.example"]),
]


@pytest.mark.parametrize(("text", "links"), FOUND)
def test_find_links_sees_links_as_a_reader_does(text: str, links: list[str]) -> None:
    assert find_links(text) == links


def test_a_short_link_of_this_server_is_not_found_again() -> None:
    text = "Old https://chorus.acme.example/r/Ab12Cd34 and new https://acme.example/help"
    assert find_links(text, PUBLIC) == ["https://acme.example/help"]
    assert find_links(text) == [
        "https://chorus.acme.example/r/Ab12Cd34",
        "https://acme.example/help",
    ]


def test_another_page_of_this_server_is_a_link_like_any_other() -> None:
    assert find_links("See https://chorus.acme.example/about", PUBLIC) == [
        "https://chorus.acme.example/about"
    ]


REWRITTEN = [
    ("See https://acme.example/help).", "See https://c.example/r/AAAA)."),
    (
        "https://acme.example/x twice: https://acme.example/x!",
        "https://c.example/r/BBBB twice: https://c.example/r/BBBB!",
    ),
    (
        "Prefix kept: https://acme.example/xyz and https://acme.example/x",
        "Prefix kept: https://acme.example/xyz and https://c.example/r/BBBB",
    ),
    (
        "  Ünïcödé 🙏 https://acme.example/help\n\tend  ",
        "  Ünïcödé 🙏 https://c.example/r/AAAA\n\tend  ",
    ),
    ("No links at all.", "No links at all."),
    ("Unmapped https://other.example stays", "Unmapped https://other.example stays"),
]


@pytest.mark.parametrize(("text", "expected"), REWRITTEN)
def test_rewrite_links_changes_the_links_and_nothing_else(text: str, expected: str) -> None:
    short = {
        "https://acme.example/help": "https://c.example/r/AAAA",
        "https://acme.example/x": "https://c.example/r/BBBB",
    }
    assert rewrite_links(text, short) == expected


def test_short_url_joins_the_public_url_and_the_code() -> None:
    assert short_url("https://chorus.acme.example/", "Ab12Cd34") == (
        "https://chorus.acme.example/r/Ab12Cd34"
    )
    assert short_url("https://acme.example/chorus", "Ab12") == "https://acme.example/chorus/r/Ab12"
    assert is_short_link("HTTPS://Chorus.Acme.Example/r/Ab12", PUBLIC)
    assert not is_short_link("https://chorus.acme.example/r/Ab12", None)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("Ab12Cd34", True),
        ("abcd", True),
        ("A" * 16, True),
        ("abc", False),
        ("A" * 17, False),
        ("ab-cd", False),
        ("abcd/", False),
        ("äbcd", False),
        ("", False),
    ],
)
def test_codes_are_letters_and_digits(code: str, valid: bool) -> None:
    assert is_code(code) is valid


ROBOTS = [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Slack-ImgProxy (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "http.rb/5.1.1 (Mastodon/4.2.8; +https://mastodon.social/) Bot",
    "http.rb/5.1.1 (Mastodon/4.3.0; +https://social.example/)",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "SomeCrawler/1.0",
    "my-spider",
    "LinkPreview/2",
]
PEOPLE = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
    None,
]


@pytest.mark.parametrize("agent", ROBOTS)
def test_link_preview_robots_are_recognised(agent: str) -> None:
    assert is_link_preview(agent)


@pytest.mark.parametrize("agent", PEOPLE)
def test_browsers_are_people(agent: str | None) -> None:
    assert not is_link_preview(agent)
