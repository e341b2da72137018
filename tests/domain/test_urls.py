"""Canonical URLs: the same post reached through two sources is recognised as one."""

from __future__ import annotations

import pytest

from bot.domain.urls import canonical_url

POST = "https://social.example/@ana/109412"


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("https://social.example/@ana/109412", id="itself"),
        pytest.param("HTTPS://Social.EXAMPLE/@ana/109412", id="scheme and host case"),
        pytest.param("https://social.example:443/@ana/109412", id="default https port"),
        pytest.param("http://social.example:80/@ana/109412", id="default http port"),
        pytest.param("http://social.example/@ana/109412", id="http is https"),
        pytest.param("https://social.example/@ana/109412/", id="trailing slash"),
        pytest.param("https://social.example/@ana/109412//", id="trailing slashes"),
        pytest.param("https://social.example/@ana/109412?utm_source=x", id="utm_source"),
        pytest.param(
            "https://social.example/@ana/109412?utm_source=newsletter&utm_medium=email"
            "&utm_campaign=launch&utm_term=export&utm_content=cta",
            id="every utm_ parameter",
        ),
        pytest.param("https://social.example/@ana/109412?UTM_Source=x", id="utm_ in any case"),
        pytest.param("https://social.example/@ana/109412?fbclid=IwAR0abc", id="fbclid"),
        pytest.param("https://social.example/@ana/109412?gclid=Cj0KCQ", id="gclid"),
        pytest.param("  https://social.example/@ana/109412  ", id="surrounding spaces"),
        pytest.param(
            "HTTP://Social.Example:80/@ana/109412/?utm_source=x&fbclid=1", id="all at once"
        ),
    ],
)
def test_the_same_post_has_one_canonical_url(variant: str) -> None:
    assert canonical_url(variant) == POST


def test_the_path_keeps_its_case() -> None:
    assert canonical_url("https://social.example/@Ana/AbC") == "https://social.example/@Ana/AbC"


def test_a_port_that_is_not_the_default_is_kept() -> None:
    assert (
        canonical_url("https://social.example:8443/@ana/1") == "https://social.example:8443/@ana/1"
    )


def test_the_home_page_keeps_its_slash() -> None:
    assert canonical_url("https://Blog.Example.com") == "https://blog.example.com/"
    assert canonical_url("https://blog.example.com/") == "https://blog.example.com/"


def test_other_parameters_are_kept_and_sorted() -> None:
    url = "https://forum.example/thread?page=2&id=77&utm_source=x&gclid=1"

    assert canonical_url(url) == "https://forum.example/thread?id=77&page=2"
    assert canonical_url("https://forum.example/thread?page=2&id=77") == canonical_url(
        "https://forum.example/thread?id=77&page=2"
    )


def test_different_parameters_are_different_posts() -> None:
    assert canonical_url("https://forum.example/t?id=1") != canonical_url(
        "https://forum.example/t?id=2"
    )


def test_different_paths_are_different_posts() -> None:
    assert canonical_url("https://social.example/@ana/1") != canonical_url(
        "https://social.example/@ana/2"
    )


def test_the_fragment_stays() -> None:
    assert canonical_url(POST + "/?utm_source=x#replies") == POST + "#replies"


def test_comments_on_one_article_keep_the_anchor_that_tells_them_apart() -> None:
    """Blog comment feeds (WordPress, Disqus) link each comment as the article + `#comment-N`."""
    article = "https://blog.acme.example/2026/11/export-to-csv/"

    first, second = canonical_url(article + "#comment-412"), canonical_url(article + "#comment-409")

    assert first != second
    assert first != canonical_url(article)
    assert (
        canonical_url("HTTP://Blog.Acme.Example/2026/11/export-to-csv?utm_source=rss#comment-412")
        == first
    )


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example/post.txt",
        "mailto:ana@social.example",
        "javascript:alert(1)",
        "data:text/html,<b>hi</b>",
        "not a url",
        "",
        "https://",
        "//social.example/@ana/1",
        "https://social.example:99999/@ana/1",
    ],
)
def test_what_is_not_an_http_url_has_no_canonical_form(url: str) -> None:
    assert canonical_url(url) is None
