"""The weekly digest in Block Kit: wins first, the people behind them, then how customers
were served. It thanks people by name and never counts what one person did."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from sqlalchemy.orm import Session

from bot.digest_chart import chart_alt_text, chart_png
from bot.domain.clock import duration
from bot.domain.digest import COMPANY, Digest, Served, Win
from bot.domain.engagement import Engagement, describe
from bot.domain.limits import NETWORK_NAMES
from bot.domain.model import Network
from bot.services.outbox import NotReady, Obsolete, Outgoing, Upload
from handlers.ids import Action
from handlers.text import CONTEXT_LIMIT, SECTION_LIMIT, escape, link, truncate, user
from storage.digest_codec import digest_from_json
from storage.models import DigestRow, OutboxRow

HEADER_LIMIT = 150


def build_digest_message(digest: Digest) -> tuple[str, list[Block]]:
    """The digest message: a warm note for a quiet week, else wins, thanks and service."""
    header = HeaderBlock(text=truncate(f"{digest.title}: {digest.week.describe()}", HEADER_LIMIT))
    if digest.quiet:
        return _quiet(digest, header)
    blocks: list[Block] = [header, _section(_opening(digest))]
    blocks += _best(digest)
    blocks += _shout_outs(digest)
    blocks += [DividerBlock(), *_served(digest)]
    answered = sum(day.answered for day in digest.days)
    fallback = f"{digest.title}, {digest.week.describe()}: {_live(answered)}"
    return truncate(fallback, 300), blocks


def _quiet(digest: Digest, header: HeaderBlock) -> tuple[str, list[Block]]:
    said = (
        f":seedling: A quiet week for {escape(digest.title)}: no customer mentions came in "
        "and no replies went out. Enjoy the calm — and thank you for being ready for "
        "whoever writes next."
    )
    blocks: list[Block] = [header, _section(said)]
    if digest.served.open_now:
        blocks += _open(digest)
    return f"{digest.title}, {digest.week.describe()}: a quiet week", blocks


def _opening(digest: Digest) -> str:
    answered = sum(day.answered for day in digest.days)
    if not answered:
        return ":hourglass_flowing_sand: *No replies have gone live this week yet.*"
    said = f":tada: *{_live(answered)}*"
    if digest.people:
        said += f" Thank you to {_names(digest.people)} for writing and approving them."
    return said


def _live(answered: int) -> str:
    return f"{answered} {'reply' if answered == 1 else 'replies'} went live this week."


def _best(digest: Digest) -> list[Block]:
    if not digest.best:
        return []
    scored = any(win.score > 0 for win in digest.best)
    title = ":trophy: *The week's best replies*" if scored else ":speech_balloon: *Live replies*"
    blocks: list[Block] = [_section(title)]
    for win in digest.best:
        blocks += [_section(_win_text(win)), _context(_win_credits(win, digest))]
    return blocks


def _win_text(win: Win) -> str:
    network = NETWORK_NAMES.get(Network(win.network), win.network)
    said = truncate(escape(" ".join(win.customer_text.split())), 400)
    reply = truncate(escape(" ".join(win.reply_text.split())), 600)
    text = f"*{escape(win.customer)}* on {network}: _“{said}”_\n>{reply}"
    if win.warm_words:
        warm = truncate(escape(" ".join(win.warm_words.split())), 300)
        text += f"\n:speech_balloon: They answered: _“{warm}”_"
    return truncate(text, SECTION_LIMIT)


def _win_credits(win: Win, digest: Digest) -> str:
    people = f"Drafted by {user(win.drafted_by)}"
    if win.approved_by:
        people += f", approved by {user(win.approved_by)}"
    results = describe(Engagement(win.likes, win.shares, win.quotes, win.replies, win.clicks, 0))
    where = f" · {_department(win)}" if digest.scope == COMPANY else ""
    return f"{people} · {results} · {link(win.url, 'See it live')}{where}"


def _department(win: Win) -> str:
    return f"{escape(win.department or win.department_key or 'no department')}, #{win.mention_id}"


def _shout_outs(digest: Digest) -> list[Block]:
    lines: list[str] = []
    if digest.first_timers:
        lines.append(
            f":wave: *First replies:* welcome {_names(digest.first_timers)} — their first "
            "answer to a customer went live this week."
        )
    for win in digest.turned_around[:3]:
        warm = truncate(escape(" ".join((win.warm_words or "").split())), 200)
        lines.append(
            f":sunrise: *From complaint to thanks:* {user(win.drafted_by)}'s reply turned "
            f"{escape(win.customer)}'s frustration into _“{warm}”_"
        )
    if digest.ideas_shipped:
        shipped = ", ".join(
            f"“{escape(idea.title)}” by {user(idea.author)} ({link(idea.url, 'see it live')})"
            for idea in digest.ideas_shipped[:5]
        )
        lines.append(f":bulb: *Ideas that shipped:* {shipped}")
    if digest.advocates:
        names = ", ".join(
            f"{escape(a.customer)} ({NETWORK_NAMES.get(Network(a.network), a.network)}, "
            f"thanks to {user(a.marked_by)})"
            for a in digest.advocates[:10]
        )
        lines.append(f":star2: *New advocates:* {names}")
    if not lines:
        return []
    return [DividerBlock(), _section(":sparkles: *Shout-outs*"), _section("\n".join(lines))]


def _served(digest: Digest) -> list[Block]:
    served = digest.served
    lines = [f":stopwatch: *How customers were served*\n{_arrivals(served)}"]
    if served.median_first_answer is not None:
        lines.append(f"Median time to a first answer: {duration(served.median_first_answer)}.")
    if served.sla_share is not None:
        lines.append(_sla_line(digest, served))
    blocks: list[Block] = [_section("\n".join(lines))]
    return blocks + _open(digest) if served.open_now else blocks


def _arrivals(served: Served) -> str:
    came = f"{served.received} mention{'' if served.received == 1 else 's'} came in"
    return f"{came}; {served.answered} of them have a reply live."


def _sla_line(digest: Digest, served: Served) -> str:
    share = round(100 * (served.sla_share or 0))
    if digest.scope == COMPANY or not digest.sla_minutes:
        aim = "each department's answer time"
    else:
        aim = f"the answer time of {duration(timedelta(minutes=digest.sla_minutes))}"
    return f"{share}% were answered within {aim} (working hours)."


def _open(digest: Digest) -> list[Block]:
    served = digest.served
    waiting = "customer is" if served.open_now == 1 else "customers are"
    said = f":raised_hands: {served.open_now} {waiting} still waiting for an answer"
    if served.oldest_open:
        said += f", the longest since {_day(served.oldest_open)}"
    said += ". A few minutes from anyone would make their day."
    button = ButtonElement(
        text="See open mentions", action_id=Action.DIGEST_OPEN, value=digest.scope
    )
    return [_section(said), ActionsBlock(elements=[button])]


def _day(moment: datetime) -> str:
    fallback = moment.strftime("%d %B")
    return f"<!date^{int(moment.timestamp())}^{{date_long_pretty}}|{fallback}>"


def _names(user_ids: tuple[str, ...], most: int = 40) -> str:
    names = [user(u) for u in user_ids[:most]]
    if len(user_ids) > most:
        names.append(f"{len(user_ids) - most} more colleagues")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_LIMIT)))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, CONTEXT_LIMIT))])


def render_digest_row(session: Session, row: OutboxRow) -> Outgoing:
    """The outbox's digest rows: the message, then its chart once the message is in Slack."""
    stored = session.get(DigestRow, int(row.payload.get("digest_id") or 0))
    if stored is None:
        raise Obsolete("the digest is gone")
    digest = digest_from_json(stored.content)
    if row.kind == "digest":
        text, blocks = build_digest_message(digest)
        return Outgoing(row.channel, text, [b.to_dict() for b in blocks])
    if not stored.posted_ts:
        raise NotReady("the chart follows its digest")
    upload = Upload(
        chart_png(digest),
        f"chorus-{digest.scope}-{digest.week.label}.png",
        f"{digest.title}: {digest.week.describe()}",
        truncate(chart_alt_text(digest), 1000),
    )
    said = "The week in a chart: mentions per day against answered, and engagement."
    return Outgoing(row.channel, said, [], upload=upload)
