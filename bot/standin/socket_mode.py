"""Slack's Socket Mode, stood in: `apps.connections.open` and the WebSocket it points at.

`apps.connections.open`, called with an app-level (xapp-) token, hands out a one-time
ws:// URL on a second local port. A client that connects there gets Slack's "hello";
a test then sends envelopes {"envelope_id", "type", "payload", "accepts_response_payload"}
with `send_envelope` and gets back the client's ack {"envelope_id", "payload"?}. Every ack
is recorded in the transcript as `Call(method="socket_mode.ack", args=ack, token=None)`.
"""

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from bot.standin.methods import Reply, failure_reply
from bot.standin.state import APP_ID, Call, Json, Workspace

logger = logging.getLogger(__name__)

OPEN_METHOD = "apps.connections.open"
ACK_METHOD = "socket_mode.ack"
LINK_PATH = "/link/"
# Interactive payloads whose ack may carry a response (a view_submission's response_action).
ANSWERABLE_INTERACTIONS = ("view_submission", "block_suggestion")


def open_connection(
    ws: Workspace, args: Json, token: str | None, issue_url: Callable[[], str]
) -> Reply:
    """Record and answer `apps.connections.open`: only an app-level token gets a URL."""
    ws.record(Call(method=OPEN_METHOD, args=args, token=token))
    failure = ws.take_failure(OPEN_METHOD)
    if failure is not None:
        return failure_reply(failure)
    if not token:
        return Reply(200, {"ok": False, "error": "not_authed"})
    if not token.startswith("xapp-"):
        return Reply(200, {"ok": False, "error": "invalid_auth"})
    return Reply(200, {"ok": True, "url": issue_url()})


def hello(num_connections: int) -> Json:
    """The first message Slack sends on a new Socket Mode connection."""
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {
            "host": "applink-standin",
            "build_number": 1,
            "approximate_connection_time": 18060,
        },
        "connection_info": {"app_id": APP_ID},
    }


def envelope(envelope_id: str, type: str, payload: Json) -> Json:
    """An envelope as Slack wraps a slash command, an interaction or an event."""
    message: Json = {"envelope_id": envelope_id, "type": type, "payload": payload}
    if type == "events_api":
        return {
            **message,
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
    answerable = type == "slash_commands" or payload.get("type") in ANSWERABLE_INTERACTIONS
    return {**message, "accepts_response_payload": answerable}


def _ticket(path: str) -> tuple[str, str]:
    """The path and the ticket of a connection URL."""
    parts = urlsplit(path)
    tickets = parse_qs(parts.query).get("ticket") or [""]
    return parts.path, tickets[0]


class SocketModeServer:
    """The WebSocket side of Socket Mode, on its own free local port."""

    def __init__(self, workspace: Workspace, host: str) -> None:
        self._workspace = workspace
        self._host = host
        self._changed = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[ServerConnection] = []
        self._pending: dict[str, queue.Queue[Json]] = {}
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            return
        server = serve(
            self._session,
            self._host,
            0,
            process_request=self._check_ticket,
            compression=None,
            logger=logger,
        )
        thread = threading.Thread(target=server.serve_forever, name="slack-standin-socket")
        thread.daemon = True
        thread.start()
        self._server, self._thread = server, thread

    def stop(self) -> None:
        """Close every connection (code 1001, as Slack does when it goes away) and the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        if thread is not None:
            thread.join(timeout=5)
        self._server, self._thread = None, None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the Socket Mode server is not started")
        port: int = self._server.socket.getsockname()[1]
        return port

    # -- what tests use --------------------------------------------------------

    def issue_url(self) -> str:
        """A one-time connection URL, as `apps.connections.open` returns it."""
        ticket = uuid.uuid4().hex
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://{self._host}:{self.port}{LINK_PATH}?ticket={ticket}&app_id={APP_ID}"

    def connected(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a client to be connected and greeted."""
        return self._newest(timeout) is not None

    def send_envelope(self, type: str, payload: Json, timeout: float = 5) -> Json | None:
        """Send an envelope to the newest connection; its ack, or None after `timeout`."""
        deadline = time.monotonic() + timeout
        connection = self._newest(timeout)
        if connection is None:
            raise RuntimeError("no Socket Mode client is connected to the Slack stand-in")
        envelope_id = str(uuid.uuid4())
        answer: queue.Queue[Json] = queue.Queue(maxsize=1)
        with self._changed:
            self._pending[envelope_id] = answer
        try:
            connection.send(json.dumps(envelope(envelope_id, type, payload)))
            return answer.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None
        finally:
            with self._changed:
                self._pending.pop(envelope_id, None)

    # -- the server side -------------------------------------------------------

    def _newest(self, timeout: float) -> ServerConnection | None:
        with self._changed:
            self._changed.wait_for(lambda: bool(self._connections), timeout)
            return self._connections[-1] if self._connections else None

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        """Accept a handshake only on /link/ with a ticket issued and not used yet."""
        path, ticket = _ticket(request.path)
        with self._changed:
            known = path == LINK_PATH and ticket in self._tickets
            self._tickets.discard(ticket)
        if known:
            return None
        return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid or used ticket\n")

    def _session(self, connection: ServerConnection) -> None:
        """Greet the client, then read its acks until it goes away."""
        with self._changed:
            count = len(self._connections) + 1
        try:
            connection.send(json.dumps(hello(count)))
            self._add(connection)
            for message in connection:
                self._receive(message)
        except ConnectionClosed:
            logger.debug("Socket Mode client went away")
        finally:
            self._remove(connection)

    def _add(self, connection: ServerConnection) -> None:
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()

    def _remove(self, connection: ServerConnection) -> None:
        with self._changed:
            if connection in self._connections:
                self._connections.remove(connection)
            self._changed.notify_all()

    def _receive(self, message: str | bytes) -> None:
        """Record an ack and hand it to the test waiting for it."""
        try:
            ack = json.loads(message)
        except ValueError:
            logger.warning("Socket Mode client sent something that is not JSON: %r", message)
            return
        if not isinstance(ack, dict) or "envelope_id" not in ack:
            logger.warning("Socket Mode client sent a message that is not an ack: %r", ack)
            return
        self._workspace.record(Call(method=ACK_METHOD, args=ack, token=None))
        with self._changed:
            waiting = self._pending.pop(str(ack["envelope_id"]), None)
        if waiting is not None:
            waiting.put(ack)
