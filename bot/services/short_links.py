"""Short links: a reply's links become /r/CODE on this server, so Chorus counts the clicks.

Only the number of clicks (and when the last one came) is kept: nothing about the visitor.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.links import find_links, is_code, is_link_preview, rewrite_links, short_url
from bot.domain.model import Network
from bot.services.core import Services
from storage import links as stored_links
from storage.models import DraftRow

ALPHABET = string.ascii_letters + string.digits
# 62**8 codes: guessing one that exists is hopeless, and two drafts rarely draw the same.
CODE_LENGTH = 8
ATTEMPTS = 5


def new_code() -> str:
    """Draw a random, unguessable short link code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def track_links(
    session: Session,
    services: Services,
    draft_row: DraftRow,
    network: Network,
    text: str,
    now: datetime,
) -> str | None:
    """Return `text` with its links turned into short links of this draft, or None to keep
    the links as written (tracking off, no links, or the reply would grow past its limit).
    The caller's transaction stores the links; this never commits."""
    public_url = services.public_url
    if not services.tracks_links or public_url is None:
        return None
    links = find_links(text, public_url)
    if not links:
        return None
    known = {r.target_url: r.code for r in stored_links.short_links_of_draft(session, draft_row.id)}
    codes = {link: known.get(link) or new_code() for link in links}
    if not services.lengths.fits(network, _rewrite(text, codes, public_url)):
        # A short link can be longer than the link it replaces (Bluesky counts every
        # character of it); a reply the network refuses is worse than a click not counted.
        return None
    for link in links:
        if link not in known:
            codes[link] = _store(session, draft_row.id, link, codes[link], now)
    # Every code has the same length, so a code drawn again keeps the reply's length.
    return _rewrite(text, codes, public_url)


def _rewrite(text: str, codes: dict[str, str], public_url: str) -> str:
    return rewrite_links(text, {link: short_url(public_url, c) for link, c in codes.items()})


def _store(session: Session, draft_id: int, target: str, code: str, now: datetime) -> str:
    """Store the short link of `target` for the draft and return its code."""
    for _ in range(ATTEMPTS):
        if stored_links.add_short_link(session, draft_id, target, code, now) is not None:
            return code
        # The code was taken (rare), or another approval of the draft stored the link first.
        stored = stored_links.short_links_of_draft(session, draft_id)
        existing = next((r.code for r in stored if r.target_url == target), None)
        if existing is not None:
            return existing
        code = new_code()
    raise RuntimeError(f"could not find a free short link code in {ATTEMPTS} attempts")


def follow(services: Services, code: str, now: datetime, user_agent: str | None) -> str | None:
    """Return where a short link leads (None when unknown), counting the click unless a
    robot fetches a preview. Nothing about the visitor is stored."""
    if is_link_preview(user_agent):
        # Slack, the networks and search engines fetch links to show previews; counting
        # them would credit a reply with clicks nobody made.
        return target_of(services, code)
    if not is_code(code):
        return None
    with services.sessions() as session:
        target = stored_links.count_click(session, code, now)
        session.commit()
        return target


def target_of(services: Services, code: str) -> str | None:
    """Return where a short link leads, without counting a click; None when unknown."""
    if not is_code(code):
        return None
    with services.sessions() as session:
        row = stored_links.get_short_link(session, code)
        return row.target_url if row is not None else None


def clicks_of_draft(source: Services | Session, draft_id: int) -> int:
    """Return how many times people clicked the links of a draft's reply."""
    if isinstance(source, Session):
        return stored_links.clicks_of_draft(source, draft_id)
    with source.sessions() as session:
        return stored_links.clicks_of_draft(session, draft_id)
