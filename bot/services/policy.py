"""Policy use cases: check a draft as it is typed and when it is submitted, suggest the
author's disclosure line, and gather what `/chorus guidelines` explains."""

from __future__ import annotations

from typing import Any

from bot.domain.errors import WorkflowError
from bot.domain.policy import (
    AuthorProfile,
    Disclosure,
    Guidelines,
    Policy,
    PolicyReport,
    disclosure_line,
)
from bot.domain.policy_rules import signed_by
from bot.policy_checks import assess_reply
from bot.services.core import Services, load_draft
from storage import repo


class PolicyBlocked(WorkflowError):
    """A draft with blocking findings; `str(error)` lists them for the modal."""

    def __init__(self, report: PolicyReport) -> None:
        super().__init__(" ".join(f.message for f in report.blocking))
        self.report = report


def policy_of(services: Services) -> Policy:
    return services.config.policy.to_domain(services.public_url)


def author_of(services: Services, user_id: str) -> AuthorProfile:
    """The person's name and title as Slack has them (cached; nameless when Slack fails)."""
    return services.profiles.of(user_id)


def check(services: Services, author_id: str, text: str) -> PolicyReport:
    """Check a reply written (or signed) by `author_id` against the workspace's policy."""
    return assess_reply(
        text,
        policy_of(services),
        author_of(services, author_id),
        services.classifier(),
        services.config.policy.phone_region,
    )


def check_for_submit(services: Services, author_id: str, text: str) -> PolicyReport:
    """Check a reply about to be saved; raise PolicyBlocked when something must be fixed."""
    report = check(services, author_id, text)
    if report.blocking:
        raise PolicyBlocked(report)
    return report


def draft_author(services: Services, draft_id: int) -> str:
    """Whose reply a draft is: an edit by the reviewer still goes out under their name."""
    with services.sessions() as session:
        return load_draft(session, draft_id).author


def warnings_record(report: PolicyReport) -> list[dict[str, Any]] | None:
    """The warnings as stored with a draft (None when there are none)."""
    kept = [{"kind": f.kind.value, "message": f.message} for f in report.warnings]
    return kept or None


def suggested_line(services: Services, user_id: str) -> str | None:
    """The person's disclosure line, or None when the policy asks for none."""
    policy = policy_of(services)
    if policy.disclosure is Disclosure.OFF:
        return None
    return disclosure_line(author_of(services, user_id), policy.company)


def signed(services: Services, user_id: str, text: str) -> str:
    """Return the text with the person's disclosure line at the end, unless it has one."""
    line = suggested_line(services, user_id)
    author = author_of(services, user_id)
    if line is None or (text.strip() and signed_by(text, author.first_name)):
        return text
    return f"{text.rstrip()}\n\n{line}" if text.strip() else f"\n\n{line}"


def guidelines(
    services: Services, user_id: str, trusted_lanes: tuple[str, ...] | None = None
) -> Guidelines:
    """What the policy asks, with the person's own disclosure line, the departments whose
    trusted lane is open (read here unless given), and those where this person is trusted."""
    with services.sessions() as session:
        open_lanes = [r for r in repo.list_departments(session) if r.active and r.trusted_lane]
        actor = services.actor(user_id, session)
    return Guidelines(
        policy_of(services),
        suggested_line(services, user_id),
        trusted_lanes=tuple(r.name for r in open_lanes) if trusted_lanes is None else trusted_lanes,
        trusted_in=tuple(r.name for r in open_lanes if actor.is_trusted_in(r.key)),
    )
