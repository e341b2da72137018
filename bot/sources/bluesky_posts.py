"""A Bluesky post, from a search hit or a notification, as a mention object."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from atproto import models

from bot.listening_config import SourceConfig
from bot.services.ingest import AuthorIn, MentionIn
from bot.sources.social import moment, short


def post_mention(uri: str, author: Any, record: Any, config: SourceConfig) -> MentionIn | None:
    """A Bluesky post (a search hit or a notification's record) as a mention object."""
    if not isinstance(record, models.AppBskyFeedPost.Record):
        return None
    text = record.text.strip() or ("(no text: open the post to see)" if record.embed else "")
    if not text:
        return None
    profile = author.did if author.handle == "handle.invalid" else author.handle
    followers = getattr(author, "followers_count", None) or (author.model_extra or {}).get(
        "followersCount"
    )
    return MentionIn(
        network=config.mention_network,
        external_id=uri,
        url=f"https://bsky.app/profile/{profile}/post/{uri.rsplit('/', 1)[-1]}",
        text=text,
        author=AuthorIn(
            handle=f"@{profile}",
            name=short(author.display_name or "", 300) or None,
            followers=followers if isinstance(followers, int) else None,
            url=f"https://bsky.app/profile/{profile}",
        ),
        created_at=moment(record.created_at),
        language=(record.langs or [None])[0],
        source=config.name,
    )


def post_time(item: Any) -> datetime:
    """Bluesky's sort time: the earlier of the record's createdAt and indexedAt (a post
    backdated by its client does not jump the queue)."""
    created = moment(getattr(item.record, "created_at", None))
    indexed = moment(item.indexed_at)
    times = [found for found in (created, indexed) if found is not None]
    return min(times) if times else datetime.min.replace(tzinfo=UTC)
