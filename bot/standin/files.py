"""File uploads in the stand-in: Slack's external upload flow, in three steps.

`files.getUploadURLExternal` hands out a file id and an upload URL on this server, the
client POSTs the raw bytes there, and `files.completeUploadExternal` titles the files and
shares them as one message per channel (or thread reply), as slack_sdk's
`files_upload_v2` expects. Shapes and errors follow docs.slack.dev/reference/methods/.
"""

import copy
import json
import mimetypes
import threading
from collections.abc import Callable
from pathlib import PurePosixPath

from bot.standin.args import text_arg
from bot.standin.records import TS_EPOCH, Json, SlackError

MAX_ALT_TXT = 1000
MAX_CHANNELS = 100
# Only these are shown inline from GET /files/<id>: anything else (HTML, SVG) is served
# as a download, so an uploaded file cannot run script on the stand-in's origin.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class FilesMixin:
    """The file half of the workspace; `Workspace` sets up these attributes."""

    bot_user_id: str
    _lock: threading.RLock
    _files: dict[str, Json]
    _file_serial: int
    _file_base: str
    post_message: Callable[[str, Json], Json]

    def serve_files_from(self, base: str) -> None:
        """Build upload URLs and url_private on `base`, the server's root URL."""
        with self._lock:
            self._file_base = base.rstrip("/")

    def new_upload(self, filename: str, length: int, alt_txt: str | None) -> Json:
        """Reserve a file id awaiting its bytes; answer {"upload_url", "file_id"}."""
        with self._lock:
            self._file_serial += 1
            file_id = f"F{self._file_serial:010d}"
            self._files[file_id] = {
                "id": file_id,
                "filename": filename,
                "title": filename,
                "alt_txt": alt_txt,
                "length": length,
                "mimetype": mimetypes.guess_type(filename)[0] or "application/octet-stream",
                "created": TS_EPOCH + self._file_serial,
                "data": None,
                "uploaded": False,
                "complete": False,
                "channels": [],
                "thread_ts": None,
                "initial_comment": None,
            }
            return {"upload_url": f"{self._file_base}/upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, data: bytes) -> int:
        """Keep the bytes POSTed to an upload URL (a retry replaces them); answer the size."""
        with self._lock:
            file = self._files.get(file_id)
            if file is None:
                raise SlackError("file_not_found")
            if file["complete"]:
                raise SlackError("already_completed")
            file["data"], file["uploaded"] = data, True
            return len(data)

    def complete_uploads(
        self,
        titles: list[tuple[str, str | None]],
        channels: list[str],
        thread_ts: str | None,
        comment: str | None,
    ) -> list[Json]:
        """Finish every upload named, or none, and share them in `channels`."""
        with self._lock:
            files = [self._completable(file_id) for file_id, _ in titles]
            for file, (_, title) in zip(files, titles, strict=True):
                file.update(complete=True, channels=list(channels), thread_ts=thread_ts)
                file.update(initial_comment=comment, title=title or file["title"])
            shared = [self._public(file) for file in files]
            for channel in channels:
                fields = {"text": comment or "", "thread_ts": thread_ts, "files": shared}
                self.post_message(channel, fields)
            return copy.deepcopy(shared)

    def _completable(self, file_id: str) -> Json:
        file = self._files.get(file_id)
        # Slack names one error for all three: "Could not find the file from the upload
        # ticket"; completing twice is refused too ("This method can only be called once").
        if file is None or not file["uploaded"] or file["complete"]:
            raise SlackError("file_not_found")
        return file

    def _public(self, file: Json) -> Json:
        """A file object as Slack shows it in a message and in API answers."""
        url = f"{self._file_base}/files/{file['id']}"
        public: Json = {
            "id": file["id"],
            "created": file["created"],
            "timestamp": file["created"],
            "name": file["filename"],
            "title": file["title"],
            "mimetype": file["mimetype"],
            "filetype": PurePosixPath(file["filename"]).suffix.lstrip(".").lower() or "binary",
            "user": self.bot_user_id,
            "size": len(file["data"] or b""),
            "mode": "hosted",
            "is_external": False,
            "is_public": bool(file["channels"]),
            "url_private": url,
            "url_private_download": url,
        }
        if file["alt_txt"]:
            public["alt_txt"] = file["alt_txt"]
        return public

    def file_content(self, file_id: str) -> tuple[bytes, dict[str, str]]:
        """The bytes of a shared (completed) file and the HTTP headers to serve them with."""
        with self._lock:
            file = self._files.get(file_id)
            if file is None or not file["complete"]:
                raise SlackError("file_not_found")
            headers = {"Content-Type": file["mimetype"], "X-Content-Type-Options": "nosniff"}
            if file["mimetype"] not in INLINE_TYPES:
                headers["Content-Disposition"] = "attachment"
            return file["data"], headers

    def files(self) -> list[Json]:
        """Every file asked for, in order: metadata, `data` (bytes or None) and flags."""
        with self._lock:
            found = [{**f, "size": len(f["data"] or b"")} for f in self._files.values()]
            for file in found:
                file["channel"] = file["channels"][0] if file["channels"] else None
            return copy.deepcopy(found)


def _length(args: Json) -> int:
    raw = text_arg(args, "length")
    try:
        length = int(raw) if raw is not None else 0
    except ValueError as error:
        raise SlackError("invalid_arguments") from error
    if length == 0:  # Slack's missing_argument: "Typically only occurs when length is 0"
        raise SlackError("missing_argument")
    if length < 0:
        raise SlackError("invalid_arguments")
    return length


def files_get_upload_url_external(ws: FilesMixin, args: Json) -> Json:
    filename = text_arg(args, "filename")
    if filename is None:
        raise SlackError("invalid_arguments")
    length = _length(args)
    alt_txt = text_arg(args, "alt_txt")
    if alt_txt is not None and len(alt_txt) > MAX_ALT_TXT:
        raise SlackError("alt_txt_too_large")
    return ws.new_upload(filename, length, alt_txt)


def _titles(args: Json) -> list[tuple[str, str | None]]:
    """The `files` argument, a JSON array of {"id", "title"?}, as (id, title) pairs."""
    raw = args.get("files")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise SlackError("invalid_arguments") from error
    if not isinstance(raw, list) or not raw:
        raise SlackError("invalid_arguments")
    if not all(isinstance(item, dict) and text_arg(item, "id") for item in raw):
        raise SlackError("invalid_arguments")
    return [(str(item["id"]), text_arg(item, "title")) for item in raw]


def _channels(args: Json) -> list[str]:
    """`channel_id` and the comma-separated `channels`, in order, without repeats."""
    named = [text_arg(args, "channel_id"), *(text_arg(args, "channels") or "").split(",")]
    channels = list(dict.fromkeys(c.strip() for c in named if c and c.strip()))
    if len(channels) > MAX_CHANNELS:
        raise SlackError("channels_limit_exceeded")
    return channels


def files_complete_upload_external(ws: FilesMixin, args: Json) -> Json:
    titles = _titles(args)
    channels = _channels(args)
    thread_ts = text_arg(args, "thread_ts")
    if thread_ts is not None and len(channels) != 1:
        # Slack: "make sure to provide only one channel when using thread_ts"
        raise SlackError("invalid_arguments")
    comment = text_arg(args, "initial_comment")
    return {"files": ws.complete_uploads(titles, channels, thread_ts, comment)}


FILE_METHODS: dict[str, Callable[[FilesMixin, Json], Json]] = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}
