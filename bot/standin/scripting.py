"""The stand-in's transcript and its scripted faults: failures, an outage, slow answers."""

from collections.abc import Callable

from bot.standin.state import Call, Delay, Failure, Workspace


class Scripting:
    """What a test tells the stand-in and reads back from it (mixed into SlackStandIn)."""

    _workspace: Workspace

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every call received, in order."""
        return self._workspace.calls()

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    def fail(
        self,
        method: str,
        error: str,
        *,
        retry_after: int | None = None,
        status: int = 200,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls to `method` fail with `error`.

        "ratelimited" answers HTTP 429 with Retry-After (default 1); otherwise the answer
        is HTTP `status` with {"ok": false, "error": error}.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        failure = Failure(error=error, retry_after=retry_after, status=status, remaining=times)
        self._workspace.add_failure(method, failure)

    def outage(self, error: str = "internal_error", *, status: int = 500) -> None:
        """Answer every Web API call with HTTP `status` and `error` until `end_outage()`
        (response_url posts and file uploads still work)."""
        down = Failure(error=error, retry_after=None, status=status, remaining=1)
        self._workspace.set_outage(down)

    def end_outage(self) -> None:
        self._workspace.set_outage(None)

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Carry out the next `times` calls to `method`, but answer each `seconds` late."""
        if times < 1 or seconds <= 0:
            raise ValueError("times must be at least 1 and seconds more than 0")
        self._workspace.add_delay(method, Delay(seconds=seconds, remaining=times))

    def use_clock(self, clock: Callable[[], float]) -> None:
        """Stamp each call's `at` with this clock (seconds since the epoch) until reset()."""
        self._workspace.clock = clock
