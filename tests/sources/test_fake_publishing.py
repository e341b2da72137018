"""The fake Mastodon and Bluesky servers against the real clients (Mastodon.py, atproto) for
publishing: a reply lands in the customer's thread, is read back with its engagement and the
customer's answers, and the servers' refusals come in the real shapes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from atproto import Client, models
from atproto_client.exceptions import BadRequestError, RequestException
from atproto_client.request import Request
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError, MastodonUnauthorizedError

from tests.support.fake_bluesky import FakeBluesky
from tests.support.fake_mastodon import FakeMastodon
from tests.support.fake_network import form_body

LINK = "https://acme.example/help/exports/" + "a-very-long-path/" * 10  # counts as 23


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon() as server:
        yield server


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as server:
        yield server


def mastodon_client(server: FakeMastodon, token: str | None = None) -> Mastodon:
    return Mastodon(
        access_token=token or server.token,
        api_base_url=server.url,
        version_check_mode="none",
        ratelimit_method="throw",
    )


def bluesky_client(server: FakeBluesky) -> Client:
    """Signed in as the brand, the way the Bluesky source builds its client."""
    client = Client(base_url=server.url, request=Request(timeout=5))
    client.login(server.handle, server.app_password)
    return client


def reply_record(
    text: str, parent: dict[str, str], root: dict[str, str]
) -> models.AppBskyFeedPost.Record:
    strong = models.ComAtprotoRepoStrongRef.Main
    return models.AppBskyFeedPost.Record(
        text=text,
        created_at="2026-11-23T10:00:00.000Z",
        langs=["en"],
        reply=models.AppBskyFeedPost.ReplyRef(parent=strong(**parent), root=strong(**root)),
    )


def create(
    client: Client,
    record: models.AppBskyFeedPost.Record,
    repo: str | None = None,
    rkey: str | None = None,
) -> models.ComAtprotoRepoCreateRecord.Response:
    data = models.ComAtprotoRepoCreateRecord.Data(
        repo=repo or client.me.did, collection="app.bsky.feed.post", record=record, rkey=rkey
    )
    return client.com.atproto.repo.create_record(data)


def ref(post: dict[str, object]) -> dict[str, str]:
    return {"uri": str(post["uri"]), "cid": str(post["cid"])}


# Mastodon


def test_a_form_body_is_read_as_rails_reads_it() -> None:
    assert form_body("status=hi+there&media_ids[]=1&media_ids[]=2&visibility=") == {
        "status": "hi there",
        "media_ids": ["1", "2"],
        "visibility": "",
    }


def test_a_mastodon_reply_lands_in_the_customers_thread(mastodon: FakeMastodon) -> None:
    customer = mastodon.customer_status()
    client = mastodon_client(mastodon)

    reply = client.status_post(
        "@ana@social.example sorry! Try <this> first",
        in_reply_to_id=customer["id"],
        visibility="unlisted",
        language="en",
        idempotency_key="reply-1",
    )

    assert str(reply.in_reply_to_id) == "109412"
    assert str(reply.in_reply_to_account_id) == customer["account"]["id"]
    assert reply.account.acct == "acme" and reply.visibility == "unlisted"
    assert reply.url == f"{mastodon.url}/@acme/{reply.id}" and int(reply.id) > 109412
    assert "@<span>ana</span></a></span> sorry! Try &lt;this&gt; first</p>" in reply.content
    assert [m.acct for m in reply.mentions] == ["ana@social.example"]
    assert (reply.favourites_count, reply.reblogs_count, reply.replies_count) == (0, 0, 0)
    [posted] = mastodon.posted
    assert posted["idempotency_key"] == "reply-1" and posted["params"]["in_reply_to_id"] == "109412"
    assert posted["status"]["id"] == str(reply.id)
    assert client.status(customer["id"]).replies_count == 1


def test_the_same_idempotency_key_gets_the_same_status_and_posts_nothing_new(
    mastodon: FakeMastodon,
) -> None:
    client = mastodon_client(mastodon)
    first = client.status_post("We're on it", idempotency_key="chorus-42")

    again = client.status_post("We're on it", idempotency_key="chorus-42")
    other = client.status_post("We're on it", idempotency_key="chorus-43")

    assert again.id == first.id and other.id != first.id
    assert [p["idempotency_key"] for p in mastodon.posted] == ["chorus-42", "chorus-43"]


def test_mastodon_counts_links_as_23_and_remote_mentions_by_user_name(
    mastodon: FakeMastodon,
) -> None:
    client = mastodon_client(mastodon)
    mention = "@ana@social.example "  # counts as "@ana " (5)
    fits = mention + LINK + " " + "x" * (500 - 5 - 23 - 1)

    client.status_post(fits)
    with pytest.raises(MastodonAPIError) as too_long:
        client.status_post(fits + "x")
    with pytest.raises(MastodonAPIError) as blank:
        client.status_post("   ")

    assert too_long.value.args[1:] == (
        422,
        "Unprocessable Entity",
        "Validation failed: Text character limit of 500 exceeded",
    )
    assert blank.value.args[3] == "Validation failed: Text can't be blank"
    assert len(mastodon.posted) == 1


def test_a_reply_to_a_deleted_or_unknown_status_is_not_found(mastodon: FakeMastodon) -> None:
    client = mastodon_client(mastodon)
    customer = mastodon.customer_status()
    mastodon.delete_status(customer["id"])

    for parent in (customer["id"], "999"):
        with pytest.raises(MastodonNotFoundError) as raised:
            client.status_post("hello", in_reply_to_id=parent)
        assert raised.value.args[3] == "Record not found"
    with pytest.raises(MastodonNotFoundError):
        client.status(customer["id"])
    assert mastodon.posted == []


def test_posting_needs_the_token(mastodon: FakeMastodon) -> None:
    with pytest.raises(MastodonUnauthorizedError):
        mastodon_client(mastodon, token="wrong").status_post("hello")


def test_engagement_and_the_customers_follow_up_show_on_the_reply(mastodon: FakeMastodon) -> None:
    customer = mastodon.customer_status()
    client = mastodon_client(mastodon)
    reply = client.status_post("@ana@social.example fixed!", in_reply_to_id=customer["id"])

    mastodon.set_counts(str(reply.id), favourites=3, reblogs=1, quotes=2)
    follow_up = mastodon.reply_as_customer(str(reply.id), "@acme thanks, works now")

    read = client.status(reply.id)
    assert (read.favourites_count, read.reblogs_count, read.replies_count) == (3, 1, 1)
    assert read.quotes_count == 2
    thread = client.status_context(customer["id"])
    assert [str(s.id) for s in thread.descendants] == [str(reply.id), follow_up["id"]]
    assert str(thread.descendants[1].in_reply_to_id) == str(reply.id)
    above = client.status_context(follow_up["id"]).ancestors
    assert [str(s.id) for s in above] == [customer["id"], str(reply.id)]


def test_a_status_is_found_by_its_url(mastodon: FakeMastodon) -> None:
    customer = mastodon.customer_status()
    client = mastodon_client(mastodon)

    found = client.search_v2(customer["url"], resolve=True, result_type="statuses")
    by_uri = client.search_v2(customer["uri"], resolve=True, result_type="statuses")
    text = client.search_v2("acme export", resolve=True, result_type="statuses")

    assert [str(s.id) for s in found.statuses] == [str(s.id) for s in by_uri.statuses] == ["109412"]
    assert len(text.statuses) > 0 and all(str(s.id) != "109412" for s in text.statuses)


# Bluesky


def test_a_bluesky_reply_lands_in_the_customers_thread(bluesky: FakeBluesky) -> None:
    customer = bluesky.customer_post()
    client = bluesky_client(bluesky)

    made = create(client, reply_record("@ana.bsky.social sorry!", ref(customer), ref(customer)))

    assert made.uri.startswith(f"at://{client.me.did}/app.bsky.feed.post/")
    assert len(made.uri.rsplit("/", 1)[1]) == 13 and made.cid.startswith("bafyrei")
    assert made.validation_status == "valid" and made.commit is not None
    [posted] = bluesky.posted
    assert (posted["uri"], posted["cid"], posted["repo"]) == (made.uri, made.cid, client.me.did)
    assert posted["record"]["reply"]["parent"]["uri"] == customer["uri"]
    ours, theirs = client.get_posts([made.uri, customer["uri"]]).posts
    assert (
        ours.author.handle == "acme.bsky.social" and ours.record.text == "@ana.bsky.social sorry!"
    )
    assert (ours.like_count, ours.repost_count, ours.reply_count, ours.quote_count) == (0, 0, 0, 0)
    assert theirs.reply_count == 1
    rkey = made.uri.rsplit("/", 1)[1]
    record = client.com.atproto.repo.get_record(
        models.ComAtprotoRepoGetRecord.Params(
            repo=client.me.handle, collection="app.bsky.feed.post", rkey=rkey
        )
    )
    assert record.uri == made.uri and record.value.text == "@ana.bsky.social sorry!"


def test_engagement_and_the_customers_follow_up_show_in_the_thread(bluesky: FakeBluesky) -> None:
    customer = bluesky.customer_post()
    client = bluesky_client(bluesky)
    made = create(client, reply_record("Fixed!", ref(customer), ref(customer)))

    bluesky.set_counts(made.uri, likes=4, reposts=1, quotes=2)
    follow_up = bluesky.reply_as_customer(made.uri, "thanks, works now")

    assert follow_up["record"]["reply"] == {
        "root": ref(customer),
        "parent": {"uri": made.uri, "cid": made.cid},
    }
    thread = client.get_post_thread(customer["uri"]).thread
    [ours] = thread.replies
    assert (ours.post.like_count, ours.post.repost_count, ours.post.quote_count) == (4, 1, 2)
    assert ours.post.reply_count == 1
    assert [r.post.record.text for r in ours.replies] == ["thanks, works now"]
    up = client.get_post_thread(follow_up["uri"]).thread
    assert up.parent.post.uri == made.uri and up.parent.parent.post.uri == customer["uri"]


def test_bluesky_refuses_what_the_reference_pds_refuses(bluesky: FakeBluesky) -> None:
    customer = bluesky.customer_post()
    client = bluesky_client(bluesky)
    emoji = "👍🏽"  # one grapheme, two code points

    create(client, reply_record(emoji * 300, ref(customer), ref(customer)))
    with pytest.raises(BadRequestError) as too_long:
        create(client, reply_record(emoji * 301, ref(customer), ref(customer)))
    with pytest.raises(BadRequestError) as not_ours:
        create(client, reply_record("hi", ref(customer), ref(customer)), repo="ana.bsky.social")
    with pytest.raises(BadRequestError) as bad_key:
        create(client, reply_record("hi", ref(customer), ref(customer)), rkey="chorus/42")
    create(client, reply_record("one", ref(customer), ref(customer)), rkey="3kchorus00001")
    with pytest.raises(RequestException) as taken:
        create(client, reply_record("two", ref(customer), ref(customer)), rkey="3kchorus00001")

    assert too_long.value.response.content.message == (
        "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
    )
    assert not_ours.value.response.content.error == "InvalidRequest"
    assert bad_key.value.response.content.message == "record key syntax not valid (regex)"
    assert taken.value.response.status_code == 500
    assert taken.value.response.content.error == "InternalServerError"
    assert len(bluesky.posted) == 2


def test_a_reply_to_a_deleted_post_is_accepted_and_the_post_is_gone(bluesky: FakeBluesky) -> None:
    customer = bluesky.customer_post()
    client = bluesky_client(bluesky)
    bluesky.delete_post(customer["uri"])

    create(client, reply_record("late", ref(customer), ref(customer)))

    assert len(bluesky.posted) == 1  # the PDS doesn't check the parent: the connector must
    assert client.get_posts([customer["uri"]]).posts == []
    with pytest.raises(BadRequestError) as raised:
        client.get_post_thread(customer["uri"])
    assert raised.value.response.content.error == "NotFound"
    with pytest.raises(BadRequestError) as missing:
        client.com.atproto.repo.get_record(
            models.ComAtprotoRepoGetRecord.Params(
                repo=client.me.did, collection="app.bsky.feed.post", rkey="3knothere0001"
            )
        )
    assert missing.value.response.content.error == "RecordNotFound"


def test_handles_of_the_brand_and_its_customers_resolve(bluesky: FakeBluesky) -> None:
    customer = bluesky.customer_post(
        handle="zoe.example.com", did="did:plc:zoe4zoe4zoe4zoe4zoe4zoe4"
    )
    client = bluesky_client(bluesky)

    assert client.resolve_handle("acme.bsky.social").did == client.me.did
    assert client.resolve_handle("zoe.example.com").did == customer["author"]["did"]
    with pytest.raises(BadRequestError) as raised:
        client.resolve_handle("nobody.example")
    assert raised.value.response.content.message == "Unable to resolve handle"


def test_the_brand_can_take_its_reply_back(mastodon: FakeMastodon, bluesky: FakeBluesky) -> None:
    customer_status, customer_post = mastodon.customer_status(), bluesky.customer_post()
    toots, skeets = mastodon_client(mastodon), bluesky_client(bluesky)
    toot = toots.status_post("Sorry!", in_reply_to_id=customer_status["id"])
    skeet = create(skeets, reply_record("Sorry!", ref(customer_post), ref(customer_post)))

    assert toots.status_delete(toot.id).text == "Sorry!"
    assert skeets.delete_post(skeet.uri)

    with pytest.raises(MastodonNotFoundError):
        toots.status(toot.id)
    assert toots.status(customer_status["id"]).replies_count == 0
    assert skeets.get_posts([skeet.uri]).posts == []
    assert skeets.get_posts([customer_post["uri"]]).posts[0].reply_count == 0
