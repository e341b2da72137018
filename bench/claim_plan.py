"""What the latency run's 20 people click and type: their workspace, mentions and requests.

Each person works in a department of their own (its channel, its keyword), so most of what
they claim is theirs alone. Every fifth round is contested: all 20 claim the same mention of
the catch-all department at the same moment, one wins, the others are told who has it. Some
`/claim` rounds are `/claim next`, which takes the oldest waiting mention of the channel's
department: those oldest mentions are kept for it, and the others are claimed by number from
the newest down, so the two never reach for the same one.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from handlers.ids import Action, Block, Command
from tests.support.workspace import mention

USERS = 20
CONTESTED_EVERY = 5  # every fifth round, everyone claims the same mention
NEXT_EVERY = 5  # and in /claim rounds where round % 5 == 2, `/claim next`
TEAM = {"id": "T0CHORUS", "domain": "chorus-bench"}
HOT_CHANNEL = "C0BENCHHOT"


def user_id(n: int) -> str:
    return f"U0BENCH{n:02d}"


def channel_of(n: int) -> str:
    return f"C0BENCH{n:02d}"


def owner_of(department: str) -> str:
    """The person whose department this is ("team07": U0BENCH07)."""
    return user_id(int(department.removeprefix("team")))


def keyword_of(n: int) -> str:
    return f"topic{n:02d}"


def workspace_toml(users: int = USERS) -> str:
    """chorus.toml: a department per person, a catch-all for the contested mentions, and no
    spike holding, so that every mention gets the card its Claim button is on."""
    departments = "".join(
        f'\n[[departments]]\nkey = "team{n:02d}"\nname = "Team {n:02d}"\n'
        f'channel = "{channel_of(n)}"\nkeywords = ["{keyword_of(n)}"]\n'
        for n in range(1, users + 1)
    )
    return (
        'timezone = "Europe/Paris"\nmanagers = ["U0BENCHMANAGER"]\n'
        'company_channel = "C0BENCHSOCIAL"\n\n[spike]\nthreshold = 1000000\n'
        f'{departments}\n[[departments]]\nkey = "hot"\nname = "Everyone"\n'
        f'channel = "{HOT_CHANNEL}"\ndefault = true\n'
    )


def is_contested(round_number: int) -> bool:
    return round_number % CONTESTED_EVERY == CONTESTED_EVERY - 1


def is_next(round_number: int) -> bool:
    return not is_contested(round_number) and round_number % NEXT_EVERY == 2


@dataclass(frozen=True)
class Needs:
    """How many mentions the rounds use: per person (by number, by `next`) and contested."""

    by_number: int
    by_next: int
    contested: int


def needs(rounds: int) -> Needs:
    """What `rounds` rounds of each kind (Claim, then /claim) use."""
    contested = sum(is_contested(r) for r in range(rounds))
    by_next = sum(is_next(r) for r in range(rounds))
    by_number = 2 * (rounds - contested) - by_next
    return Needs(by_number, by_next, 2 * contested)


def mentions_for(rounds: int, users: int = USERS) -> list[dict[str, Any]]:
    """Mention objects for `rounds` rounds: each person's, oldest first, then the contested."""
    wanted = needs(rounds)
    items = [
        mention(
            f"bench-{n:02d}-{i:04d}",
            f"Is the {keyword_of(n)} export broken for anyone else? Attempt {i}.",
            url=f"https://social.example/@customer{n}/{i}",
        )
        for n in range(1, users + 1)
        for i in range(wanted.by_number + wanted.by_next)
    ]
    items += [
        mention(f"bench-hot-{i:04d}", f"Hello team, a question for anyone: number {i}.")
        for i in range(wanted.contested)
    ]
    return items


@dataclass
class Card:
    mention_id: int
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]


@dataclass
class Pools:
    """Cards to claim: each person's (oldest first), and the contested ones (in order)."""

    own: dict[int, list[Card]]
    hot: list[Card]
    taken: dict[int, int] = field(default_factory=dict)  # person: taken by number so far

    def next_own(self, person: int) -> Card:
        """The person's newest card not yet taken by number."""
        self.taken[person] = self.taken.get(person, 0) + 1
        return self.own[person][-self.taken[person]]


def click_claim(card: Card, person: int, response_base: str, trigger: int) -> str:
    """The form body Slack posts when `person` clicks Claim on `card`."""
    user = user_id(person)
    payload = {
        "type": "block_actions",
        "team": TEAM,
        "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A0CHORUS",
        "token": "legacy-verification-token",
        "trigger_id": f"trigger-{trigger}",
        "container": {"type": "message", "message_ts": card.ts, "channel_id": card.channel},
        "channel": {"id": card.channel, "name": card.channel.lower()},
        "message": {"type": "message", "ts": card.ts, "text": card.text, "blocks": card.blocks},
        "response_url": f"{response_base}/responses/act-{user}-{trigger}",
        "actions": [
            {
                "type": "button",
                "action_id": Action.CLAIM.value,
                "block_id": Block.CARD_ACTIONS.value,
                "value": str(card.mention_id),
                "text": {"type": "plain_text", "text": "Claim"},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def slash_claim(text: str, person: int, channel: str, response_base: str, trigger: int) -> str:
    """The form body Slack posts when `person` types `/claim text` in `channel`."""
    user = user_id(person)
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM["id"],
            "team_domain": TEAM["domain"],
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": Command.CLAIM.value,
            "text": text,
            "api_app_id": "A0CHORUS",
            "is_enterprise_install": "false",
            "response_url": f"{response_base}/responses/cmd-{user}-{trigger}",
            "trigger_id": f"trigger-{trigger}",
        }
    )


@dataclass(frozen=True)
class Rounds:
    """Request bodies by round and person, for the Claim button and for /claim."""

    clicks: list[list[str]]
    commands: list[list[str]]


def plan_rounds(pools: Pools, rounds: int, response_base: str, users: int = USERS) -> Rounds:
    """Each round, everyone at once: their own card, or all the same contested one."""
    hot = iter(pools.hot)
    trigger = 0
    clicks: list[list[str]] = []
    commands: list[list[str]] = []
    for r in range(rounds):
        card = next(hot) if is_contested(r) else None
        row = []
        for n in range(1, users + 1):
            trigger += 1
            row.append(click_claim(card or pools.next_own(n), n, response_base, trigger))
        clicks.append(row)
    for r in range(rounds):
        card = next(hot) if is_contested(r) else None
        row = []
        for n in range(1, users + 1):
            trigger += 1
            if is_next(r):
                text, channel = "next", channel_of(n)
            else:
                target = card or pools.next_own(n)
                text, channel = str(target.mention_id), target.channel
            row.append(slash_claim(text, n, channel, response_base, trigger))
        commands.append(row)
    return Rounds(clicks, commands)
