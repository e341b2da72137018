"""File uploads through the Slack stand-in, driven by slack_sdk's real `files_upload_v2`."""

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.standin import SlackStandIn
from bot.standin.server import MAX_BODY

# A PNG signature, the start of an IHDR chunk and filler: bytes that read as a PNG.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(32))
COMPLETE = "files.completeUploadExternal"


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.url)


def fetch(url: str, data: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET (or POST `data` to) a stand-in URL; return status, headers and body."""
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def oversized(url: str) -> int:
    """POST a body that says it is past MAX_BODY; the stand-in refuses before reading it."""
    headers = {"Content-Length": str(MAX_BODY + 1)}
    request = urllib.request.Request(url, data=b"x", headers=headers, method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    return caught.value.code


def uploaded_not_completed(client: WebClient, data: bytes = PNG) -> str:
    """Steps 1 and 2 of the flow: a file id whose bytes are in, not yet shared."""
    ticket = client.files_getUploadURLExternal(filename="chart.png", length=len(data))
    assert fetch(ticket["upload_url"], data)[0] == 200
    return str(ticket["file_id"])


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


# -- the happy paths ------------------------------------------------------------


def test_upload_into_a_channel_posts_a_file_share_and_keeps_the_bytes(
    standin: SlackStandIn, client: WebClient
) -> None:
    response = client.files_upload_v2(
        channel="C1", file=PNG, filename="chart.png", title="Weekly chart", initial_comment="Hi"
    )

    file = response["file"]
    assert response["files"] == [file]
    assert file["id"].startswith("F") and file["name"] == "chart.png"
    assert (file["title"], file["mimetype"], file["size"]) == (
        "Weekly chart",
        "image/png",
        len(PNG),
    )
    assert file["url_private"] == f"{standin.base}/files/{file['id']}"
    [message] = standin.messages("C1")
    assert (message["text"], message["thread_ts"], message["files"]) == ("Hi", None, [file])
    [stored] = standin.files()
    assert stored["data"] == PNG and stored["uploaded"] and stored["complete"]
    assert (stored["channel"], stored["initial_comment"]) == ("C1", "Hi")
    assert standin.methods() == ["files.getUploadURLExternal", "upload_url", COMPLETE]
    assert standin.calls[0].args == {"filename": "chart.png", "length": str(len(PNG))}


def test_the_url_private_serves_the_image_to_a_page(
    standin: SlackStandIn, client: WebClient
) -> None:
    file = client.files_upload_v2(channel="C1", file=PNG, filename="chart.png")["file"]

    status, headers, body = fetch(file["url_private"])

    assert (status, body, headers["Content-Type"]) == (200, PNG, "image/png")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" not in headers


def test_upload_into_a_thread_is_a_reply_there(standin: SlackStandIn, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="Digest")["ts"]

    client.files_upload_v2(channel="C1", file=PNG, filename="chart.png", thread_ts=parent)

    [reply] = standin.thread("C1", parent)
    assert reply["text"] == "" and reply["files"][0]["name"] == "chart.png"
    assert standin.files()[0]["thread_ts"] == parent
    assert "files" not in standin.message("C1", parent)  # plain messages keep their shape


def test_a_path_defaults_the_filename_and_title(
    standin: SlackStandIn, client: WebClient, tmp_path: Path
) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"plain text")

    file = client.files_upload_v2(channel="C1", file=str(path))["file"]

    assert (file["name"], file["title"], file["mimetype"]) == (
        "report.txt",
        "report.txt",
        "text/plain",
    )
    headers = fetch(file["url_private"])[1]
    assert headers["Content-Disposition"] == "attachment"  # only images are shown inline


def test_channels_a_user_id_and_no_channel(standin: SlackStandIn, client: WebClient) -> None:
    client.files_upload_v2(channels=["C1", "C2"], file=PNG, filename="a.png")
    client.files_upload_v2(channel="U1", file=PNG, filename="b.png")
    private = client.files_upload_v2(file=PNG, filename="c.png")["file"]

    assert [len(standin.messages(c)) for c in ("C1", "C2", "U1")] == [1, 1, 1]
    assert standin.messages("U1")[0]["channel"] == "DU1"
    assert private["is_public"] is False and standin.files()[2]["channels"] == []


def test_reset_forgets_files(standin: SlackStandIn, client: WebClient) -> None:
    url = client.files_upload_v2(channel="C1", file=PNG, filename="a.png")["file"]["url_private"]

    standin.reset()

    assert standin.files() == [] and fetch(url)[0] == 404


# -- what Slack refuses -----------------------------------------------------------


def test_asking_for_an_upload_url_without_what_slack_requires(client: WebClient) -> None:
    def ask(**args: Any) -> str:
        return error_of(lambda: client.api_call("files.getUploadURLExternal", params=args))

    assert ask(length=3) == "invalid_arguments"
    assert ask(filename="a.png") == "missing_argument"
    assert ask(filename="a.png", length=0) == "missing_argument"
    assert ask(filename="a.png", length="three") == "invalid_arguments"
    assert ask(filename="a.png", length=3, alt_txt="x" * 1001) == "alt_txt_too_large"
    assert (
        error_of(
            lambda: WebClient(base_url=client.base_url).files_upload_v2(
                channel="C1", file=PNG, filename="a.png"
            )
        )
        == "not_authed"
    )


def test_completing_an_unknown_unuploaded_or_completed_file_is_file_not_found(
    standin: SlackStandIn, client: WebClient
) -> None:
    asked = client.files_getUploadURLExternal(filename="a.png", length=3)["file_id"]
    done = uploaded_not_completed(client)
    client.files_completeUploadExternal(files=[{"id": done}], channel_id="C1")

    for file_id in ("F0NOSUCH", asked, done):
        files = [{"id": file_id}]
        assert error_of(lambda f=files: client.files_completeUploadExternal(files=f)) == (
            "file_not_found"
        )
    assert len(standin.messages("C1")) == 1


def test_completing_with_bad_arguments(standin: SlackStandIn, client: WebClient) -> None:
    file_id = uploaded_not_completed(client)

    def complete(**args: Any) -> str:
        return error_of(lambda: client.api_call(COMPLETE, params=args))

    assert complete(files="not json") == "invalid_arguments"
    assert complete(files="[]") == "invalid_arguments"
    assert complete(files='[{"title": "no id"}]') == "invalid_arguments"
    assert complete(files=f'[{{"id": "{file_id}"}}]', thread_ts="1.1") == "invalid_arguments"
    many = ",".join(f"C{n}" for n in range(101))
    assert complete(files=f'[{{"id": "{file_id}"}}]', channels=many) == "channels_limit_exceeded"
    assert standin.files()[0]["complete"] is False  # a refused call changes nothing


def test_the_upload_url_refuses_unknown_completed_and_oversized_uploads(
    standin: SlackStandIn, client: WebClient
) -> None:
    file_id = uploaded_not_completed(client)
    url = f"{standin.base}/upload/{file_id}"
    assert fetch(url, b"again")[0] == 200  # a retried upload replaces the bytes
    client.files_completeUploadExternal(files=[{"id": file_id}])

    assert fetch(f"{standin.base}/upload/F0NOSUCH", b"x")[0] == 404
    assert fetch(url, b"late")[0] == 400
    assert oversized(url) == 400
    assert standin.files()[0]["data"] == b"again"
    assert fetch(f"{standin.base}/files/F0NOSUCH")[0] == 404


def test_a_file_is_not_served_before_it_is_shared(standin: SlackStandIn, client: WebClient) -> None:
    file_id = uploaded_not_completed(client)

    assert fetch(f"{standin.base}/files/{file_id}")[0] == 404


# -- scripted failures ------------------------------------------------------------


def test_ratelimited_completion_raises_and_shares_nothing(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail(COMPLETE, "ratelimited", retry_after=1)

    with pytest.raises(SlackApiError) as caught:
        client.files_upload_v2(channel="C1", file=PNG, filename="chart.png")

    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "1"
    assert standin.messages("C1") == [] and standin.files()[0]["complete"] is False
    assert len(standin.calls_to(COMPLETE)) == 1


def test_a_retry_handler_rides_out_a_ratelimited_completion(standin: SlackStandIn) -> None:
    client = WebClient(token="xoxb-test", base_url=standin.url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    standin.fail(COMPLETE, "ratelimited", retry_after=0)

    file = client.files_upload_v2(channel="C1", file=PNG, filename="chart.png")["file"]

    assert len(standin.calls_to(COMPLETE)) == 2
    assert standin.messages("C1")[0]["files"] == [file]


def test_a_failed_upload_stops_the_sdk_before_completion(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail("upload_url", "internal_error", status=500)

    with pytest.raises(urllib.error.HTTPError) as caught:
        client.files_upload_v2(channel="C1", file=PNG, filename="chart.png")

    assert caught.value.code == 500
    assert standin.methods() == ["files.getUploadURLExternal", "upload_url"]
    assert standin.files()[0]["uploaded"] is False
