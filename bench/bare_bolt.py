"""A bare Bolt app that only acknowledges: the yardstick for Chorus's acknowledgement latency.

It listens for the same action (the card's Claim) and the same command (/claim) as Chorus,
checks the same signatures with the same signing secret, and is served the way `chorus run`
serves Chorus: waitress with 8 threads, through Bolt's WSGI SlackRequestHandler. Whatever
Chorus takes beyond this is Chorus's own.

Run: SLACK_SIGNING_SECRET=… SLACK_BOT_TOKEN=… SLACK_API_URL=… python -m bench.bare_bolt --port N
"""

from __future__ import annotations

import argparse
import os
import signal

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress.server import create_server

from handlers.ids import Action, Command

# As bot.main.serve creates Chorus's server.
THREADS = 8


def acknowledge(ack: Ack) -> None:
    ack()


def build_bare_app(signing_secret: str, client: WebClient) -> App:
    """A Bolt app built as handlers.app.build_app builds Chorus's, with listeners that only ack."""
    app = App(
        client=client,
        signing_secret=signing_secret,
        raise_error_for_unhandled_request=False,
    )
    app.action(Action.CLAIM)(acknowledge)
    app.command(Command.CLAIM)(acknowledge)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="A Bolt app that only acknowledges.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The token only reaches the stand-in (auth.test, once); Slack itself is never called.
    # Popped: Bolt would read it too, and warn that the client's token wins.
    token = os.environ.pop("SLACK_BOT_TOKEN")
    client = WebClient(token=token, base_url=os.environ["SLACK_API_URL"])
    app = build_bare_app(os.environ["SLACK_SIGNING_SECRET"], client)
    server = create_server(
        SlackRequestHandler(app), host="127.0.0.1", port=args.port, threads=THREADS, ident="bare"
    )
    signal.signal(signal.SIGTERM, lambda *_: server.trigger.pull_trigger(server.close))
    print(f"bare Bolt app listening on http://127.0.0.1:{args.port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
