"""The digest's chart: mentions per day against first answers, and the engagement replies
earned, as a PNG for Slack.

Built on a bare matplotlib `Figure` (no pyplot): no global state, safe from the scheduler's
threads, and matplotlib is imported only when a chart is drawn, not at start-up.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from bot.domain.digest import Digest

RECEIVED, ANSWERED, ENGAGEMENT = "#9aa5b1", "#2eb67d", "#1d6fa5"


def chart_png(digest: Digest) -> bytes:
    """Draw the week: bars of mentions received and answered, a line of engagement."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    counts, engagement = figure.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    _draw_counts(counts, digest)
    _draw_engagement(engagement, digest)
    for axes in (counts, engagement):
        axes.spines[["top", "right"]].set_visible(False)
    out = BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _draw_counts(axes: Any, digest: Digest) -> None:
    positions, width = range(len(digest.days)), 0.38
    received = [d.received for d in digest.days]
    answered = [d.answered for d in digest.days]
    axes.bar([p - width / 2 for p in positions], received, width, label="Mentions in",
             color=RECEIVED)  # fmt: skip
    axes.bar([p + width / 2 for p in positions], answered, width, label="Answered",
             color=ANSWERED)  # fmt: skip
    axes.set_title(f"{digest.title}: {digest.week.describe()}", loc="left", fontsize=11)
    axes.legend(loc="upper right", frameon=False, fontsize=9)
    axes.yaxis.get_major_locator().set_params(integer=True)


def _draw_engagement(axes: Any, digest: Digest) -> None:
    positions = list(range(len(digest.days)))
    values = [d.engagement for d in digest.days]
    axes.plot(positions, values, marker="o", color=ENGAGEMENT,
              label="Engagement of the day's replies")  # fmt: skip
    axes.fill_between(positions, values, color=ENGAGEMENT, alpha=0.15)
    axes.legend(loc="upper right", frameon=False, fontsize=9)
    axes.set_ylim(bottom=0)
    axes.set_xticks(positions, [f"{d.day:%a}\n{d.day.day}" for d in digest.days], fontsize=9)


def chart_alt_text(digest: Digest) -> str:
    """Describe the chart in words, for screen readers and the text fallback."""
    per_day = ", ".join(f"{d.day:%A} {d.received} in, {d.answered} answered" for d in digest.days)
    total = sum(d.engagement for d in digest.days)
    return f"Mentions per day: {per_day}. Engagement earned this week: {total:g}."
