"""The Slack stand-in in a process of its own, for the latency run.

Chorus calls Slack after every acknowledgement (chat.update, the response_url). Served from
the bench's own process, those calls would compete with the bench's 20 sending threads for
one interpreter lock and slow the measuring itself, for Chorus only: in its own process the
stand-in costs the measuring nothing but a share of the machine.

Protocol on the pipes: the first line written is the stand-in's base URL; each line read
("summary") is answered with one JSON line of what the stand-in received so far; the end of
standard input stops it.

Run: python -m bench.standin_process
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from bot.standin import SlackStandIn


def summary(standin: SlackStandIn) -> dict[str, object]:
    """Calls by method, and the answers people were shown only to them."""
    return {
        "calls": dict(Counter(call.method for call in standin.calls)),
        "ephemerals": len(standin.ephemerals()),
    }


def main() -> None:
    with SlackStandIn() as standin:
        print(standin.base, flush=True)
        for _ in sys.stdin:
            print(json.dumps(summary(standin)), flush=True)


if __name__ == "__main__":
    main()
