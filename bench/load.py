"""Send rounds of signed Slack requests from many people at once, and time each answer.

One thread per person: either at their own pace, a pause of about a second before each
request, or a round at a time, all at the same moment (a barrier per round), as a team does
when everyone clicks at once. The time of a request runs from just before its connection
opens to the last byte of the answer (Slack's clock for its three-second acknowledgement
starts when it sends, too). Each request is signed as it is sent, with the time of
sending, as Slack signs; each opens a connection of its own, as the two servers see it.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tests.support.slack import signed_headers

PATH = "/slack/events"
TIMEOUT = 60  # seconds; generous, for a loaded machine


@dataclass(frozen=True)
class Latencies:
    """Seconds each request took to be acknowledged."""

    samples: tuple[float, ...]

    def percentile(self, pct: float) -> float:
        """Nearest-rank percentile: the smallest sample with at least pct % at or below it."""
        ordered = sorted(self.samples)
        rank = max(1, -(-len(ordered) * pct // 100))
        return ordered[int(rank) - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def max(self) -> float:
        return max(self.samples)

    def __add__(self, other: Latencies) -> Latencies:
        return Latencies(self.samples + other.samples)


def send(port: int, body: str, secret: str) -> float:
    """POST one signed request and read the answer; return the seconds it took."""
    data = body.encode()
    headers = signed_headers(body, secret)
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("POST", PATH, body=data, headers=headers)
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status} from port {port}: {answer[:200]!r}")
    return elapsed


def run_rounds(
    port: int,
    rounds: Sequence[Sequence[str]],
    secret: str,
    think: tuple[float, float] | None = None,
    seed: int = 0,
) -> Latencies:
    """Send every round (one body per person) to `port`.

    Without `think`, all of a round's requests go at once (a barrier per round). With it,
    each person goes at their own pace: a pause drawn between think[0] and think[1] seconds
    before each request, so requests overlap as they happen to.
    """
    people = len(rounds[0])
    barrier = threading.Barrier(people)
    timings: list[list[float]] = [[] for _ in range(people)]
    failures: list[BaseException] = []

    def person(index: int) -> None:
        pace = random.Random(seed * 1000 + index)
        try:
            for bodies in rounds:
                if think is None:
                    barrier.wait(timeout=TIMEOUT)
                else:
                    time.sleep(pace.uniform(*think))
                timings[index].append(send(port, bodies[index], secret))
        except threading.BrokenBarrierError:
            pass  # another person failed; their error is the one to report
        except BaseException as error:  # noqa: BLE001 - reported below, in the caller
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return Latencies(tuple(t for person_timings in timings for t in person_timings))
