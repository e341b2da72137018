"""A local stand-in for the Slack Web API: a real HTTP server on 127.0.0.1.

Point `slack_sdk.WebClient(token=..., base_url=standin.url)` at it; it keeps the
workspace in memory (see `state.py`) and a transcript of every call.
"""

import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, unquote, urlsplit

from bot.standin.decoding import BadRequest, decode_args, maybe_json
from bot.standin.methods import Reply, call_api, call_response_url, call_upload, file_download
from bot.standin.scripting import Scripting
from bot.standin.socket_mode import OPEN_METHOD, SocketModeServer, open_connection
from bot.standin.state import Json, Workspace

logger = logging.getLogger(__name__)

MAX_BODY = 5 * 1024 * 1024
METHOD_NAME = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], workspace: Workspace, sockets: SocketModeServer
    ) -> None:
        super().__init__(address, _Handler)
        self.workspace = workspace
        self.sockets = sockets


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "SlackStandIn/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the transcript is the log."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        try:
            reply = self._route()
        except BadRequest as error:
            reply = Reply(400, {"ok": False, "error": str(error)})
        except Exception:
            logger.exception("Slack stand-in failed on %s %s", self.command, self.path)
            reply = Reply(500, {"ok": False, "error": "fatal_error"})
        self._send(reply)

    def _route(self) -> Reply:
        parts = urlsplit(self.path)
        if parts.path.startswith("/api/"):
            method = parts.path.removeprefix("/api/")
            if not METHOD_NAME.fullmatch(method):
                raise BadRequest("invalid_method")
            args = self._args(parts.query)
            token = self._token(args)
            if method == OPEN_METHOD:
                return open_connection(
                    self.server.workspace, args, token, self.server.sockets.issue_url
                )
            return call_api(self.server.workspace, method, args, token)
        if parts.path.startswith("/responses/") and self.command == "POST":
            key = unquote(parts.path.removeprefix("/responses/"))
            return call_response_url(self.server.workspace, key, self._response_body())
        return self._route_file(parts.path)

    def _route_file(self, path: str) -> Reply:
        """The upload_url files.getUploadURLExternal hands out, and a file's url_private."""
        if path.startswith("/upload/") and self.command == "POST":
            file_id = unquote(path.removeprefix("/upload/"))
            return call_upload(self.server.workspace, file_id, self._body())
        if path.startswith("/files/") and self.command == "GET":
            return file_download(self.server.workspace, unquote(path.removeprefix("/files/")))
        raise BadRequest("invalid_path")

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as error:
            raise BadRequest("invalid_content_length") from error
        if length < 0 or length > MAX_BODY:
            raise BadRequest("invalid_content_length")
        return self.rfile.read(length) if length else b""

    def _args(self, query: str) -> Json:
        return decode_args(query, self.headers.get("Content-Type", ""), self._body())

    def _token(self, args: Json) -> str | None:
        """The Bearer token, else a `token` argument (which never stays in args)."""
        arg = args.pop("token", None)
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[len("bearer ") :].strip() or None
        return str(arg) if arg else None

    def _response_body(self) -> Json:
        body = self._args("")
        payload = body.pop("payload", None)
        if isinstance(payload, str):
            try:
                parsed = json.loads(payload)
            except ValueError as error:
                raise BadRequest("invalid_payload") from error
            if not isinstance(parsed, dict):
                raise BadRequest("invalid_payload")
            body.update({key: maybe_json(key, value) for key, value in parsed.items()})
        return body

    def _send(self, reply: Reply) -> None:
        data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
        try:
            self.send_response(reply.status)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("Slack stand-in client went away before the answer")


class SlackStandIn(Scripting):
    """The Slack Web API, served from memory on a free local port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_user_id: str = "UBOT",
        team_id: str = "T0CHORUS",
    ) -> None:
        self._host = host
        self._port = port
        self._workspace = Workspace(bot_user_id=bot_user_id, team_id=team_id)
        self._sockets = SocketModeServer(self._workspace, host)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> Self:
        """Serve in a daemon thread; a second start is a no-op."""
        if self._server is not None:
            return self
        self._sockets.start()
        server = _Server((self._host, self._port), self._workspace, self._sockets)
        self._port = server.server_address[1]
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"slack-standin-{self._port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        self._workspace.serve_files_from(self.base)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server, self._thread = None, None
        self._sockets.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base(self) -> str:
        """The server root, e.g. "http://127.0.0.1:54321"."""
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started: call start() first")
        return f"http://{self._host}:{self._port}"

    @property
    def url(self) -> str:
        """The base URL for `WebClient(base_url=...)`; ends with "/api/"."""
        return f"{self.base}/api/"

    def reset(self) -> None:
        """Clear calls, messages, ephemerals, views, files, failures, delays and any outage,
        and stamp calls by time.time again (users stay)."""
        self._workspace.reset()

    # -- Socket Mode -----------------------------------------------------------

    def socket_connected(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a Socket Mode client to connect and be greeted."""
        return self._sockets.connected(timeout)

    def send_envelope(self, type: str, payload: Json, timeout: float = 5) -> Json | None:
        """Send an envelope ("slash_commands", "interactive", "events_api") over Socket Mode.

        Returns the client's ack {"envelope_id", "payload"?}, or None when none came within
        `timeout` seconds; the ack is also in `calls` as method "socket_mode.ack".
        """
        return self._sockets.send_envelope(type, payload, timeout)

    # -- workspace -----------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        *,
        is_admin: bool = False,
        is_owner: bool = False,
        title: str = "",
    ) -> None:
        """Add (or replace) a person; admins and owners administer the workspace; `title`
        is the job title of their profile."""
        self._workspace.add_user(
            user_id, name, real_name, is_admin=is_admin, is_owner=is_owner, title=title
        )

    def add_channel(self, channel_id: str, name: str) -> None:
        """Name a channel for conversations.info (default: the id in lower case)."""
        self._workspace.add_channel(channel_id, name)

    def messages(self, channel: str) -> list[Json]:
        """Current messages, top-level and replies, in post order (a user id means the DM)."""
        return self._workspace.messages(channel)

    def message(self, channel: str, ts: str) -> Json:
        found = self._workspace.find_message(channel, ts)
        if found is None:
            raise KeyError(f"no message {ts} in {channel}")
        return found

    def thread(self, channel: str, thread_ts: str) -> list[Json]:
        """The replies in a thread, without its parent."""
        return [
            m
            for m in self.messages(channel)
            if m["thread_ts"] == thread_ts and m["ts"] != thread_ts
        ]

    def ephemerals(self, user: str | None = None) -> list[Json]:
        return self._workspace.ephemerals(user)

    def response_url(
        self, key: str = "default", *, channel: str | None = None, user: str | None = None
    ) -> str:
        """A response_url on this server; `channel`/`user` tell where its answers belong."""
        self._workspace.add_responder(key, channel, user)
        return f"{self.base}/responses/{quote(key, safe='')}"

    def views(self) -> list[Json]:
        """Currently open modals, most recent last."""
        return self._workspace.views()

    def close_view(self, view_id: str) -> None:
        """Close a modal and any view pushed on top of it, as the user would."""
        self._workspace.close_view(view_id)

    def files(self) -> list[Json]:
        """Every upload asked for, in order: id, filename, title, mimetype, size, `data`
        (the bytes, None before the upload), uploaded, complete, channel(s), thread_ts,
        initial_comment."""
        return self._workspace.files()

    def home(self, user_id: str) -> Json | None:
        """The App Home view last published for a user, if any."""
        return self._workspace.home(user_id)
