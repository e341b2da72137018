"""Mrkdwn injection: every string of the corpus, in every field people fill, through every
surface Chorus draws, reaches Slack inert.

The story (surfaces.py) runs through the real app against the stand-in; then every Web API
call and response_url post in the transcript, and every answer Bolt gave, is read by the
strict checker (blockkit.py). tests/web/test_card_safety.py has the first cases, on the card.
"""

from __future__ import annotations

import json

import pytest

from handlers.text import safe_url
from tests.security.blockkit import LINKS, call_problems, mrkdwn_problems
from tests.security.injection_corpus import CORPUS, URL_LIKE
from tests.security.surfaces import tell_the_whole_story
from tests.support.workspace import Workspace

# Surfaces the story must have reached, so that nothing passes for having drawn nothing.
EXPECTED = {
    "chat.postMessage",
    "chat.update",
    "views.open",
    "views.publish",
    "response_url",
}


@pytest.fixture
def ws(any_workspace: Workspace) -> Workspace:
    return any_workspace


@pytest.mark.parametrize("name", CORPUS)
def test_every_surface_shows_the_hostile_string_inert(ws: Workspace, name: str) -> None:
    hostile, url_like = CORPUS[name], name in URL_LIKE
    driver = tell_the_whole_story(ws, hostile, url_like)
    # A URL the webhook took is one Chorus may link to (made safe); nothing else of the
    # customer's may become a link.
    target = safe_url(hostile) if url_like else None
    links = (*LINKS, target) if target else LINKS

    calls = ws.standin.calls
    assert {call.method for call in calls} >= EXPECTED
    problems = [
        f"{call.method} #{n}: {problem}"
        for n, call in enumerate(calls)
        for problem in call_problems(call.method, call.args, links)
    ]
    for response in driver.responses:
        answer = json.loads(response.body) if response.body.startswith("{") else {}
        problems += [f"ack: {p}" for p in call_problems("ack", answer, links)]
        for error in (answer.get("errors") or {}).values():
            problems += [f"ack error: {p}" for p in mrkdwn_problems(error, links)]
    assert problems == [], "\n".join(problems[:20])
