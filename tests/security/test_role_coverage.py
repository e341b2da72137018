"""The role × action matrix, completed: every action id, modal, shortcut and slash command in
handlers/ids.py, and every /chorus verb of the README, is tried by each kind of person, here
or in tests/handlers/test_role_matrix.py. A new id without a case fails
`test_every_id_in_handlers_ids_is_in_the_matrix`; a case that claims an id it never sends
fails `test_each_case_sends_the_ids_it_stands_for`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import BoltResponse

from bot.standin import SlackStandIn
from handlers.ids import Action, Block, Command, Modal, Shortcut
from tests.handlers.test_role_matrix import ACTIONS, MATRIX_TOML, PEOPLE
from tests.security.role_cases import CASES
from tests.support.publishing_workspace import Networks, networks
from tests.support.slack import SlackDriver, message_text
from tests.support.workspace import BEN, MANAGER, Workspace, make_workspace

README = Path(__file__).resolve().parents[2] / "README.md"
TOML = MATRIX_TOML + "\n[spike]\nthreshold = 5\n"

# Every id a person can send Chorus, and the case (here or in the matrix) that sends it.
COVERED: dict[str, str] = {
    Action.CLAIM: "claim",
    Action.DRAFT: "draft-own-claim",
    Action.UNCLAIM: "unclaim",
    Action.TRANSFER: "transfer",
    Action.DISMISS: "dismiss",
    Action.OPEN_POST: "open-post",
    Action.MARK_ADVOCATE: "mark-advocate",
    Action.SPIKE_SHOW_NEXT: "show-next",
    Action.APPROVE: "approve",
    Action.EDIT_APPROVE: "edit-and-approve",
    Action.REQUEST_CHANGES: "request-changes",
    Action.REJECT: "reject",
    Action.MARK_POSTED: "mark-posted",
    Action.REVISE: "revise",
    Action.PUBLISH: "publish",
    Action.RETRY_PUBLISH: "retry-publish",
    Action.UPDATE_RESULTS: "update-results",
    Action.DIGEST_OPEN: "see-open-mentions",
    Action.APPROVE_IDEA: "approve-idea",
    Action.DECLINE_IDEA: "decline-idea",
    Modal.DRAFT: "draft-own-claim",
    Modal.EDIT_APPROVE: "edit-and-approve",
    Modal.REQUEST_CHANGES: "request-changes",
    Modal.REJECT: "reject",
    Modal.MARK_POSTED: "mark-posted",
    Modal.DISMISS: "dismiss",
    Modal.TRANSFER: "transfer",
    Modal.LOG_MENTION: "log-mention",
    Modal.RESULTS: "update-results",
    Modal.IDEA: "pitch-idea-command",
    Modal.DECLINE_IDEA: "decline-idea",
    Shortcut.LOG_MENTION: "log-mention",
    Shortcut.PITCH_IDEA: "pitch-idea-shortcut",
    Shortcut.PITCH_FROM_MESSAGE: "pitch-from-message",
    Command.CLAIM: "claim-command",
    Command.DRAFT: "draft-command-anothers-claim",
    Command.MENTIONS: "mentions-command",
    Command.CHORUS: "role-add",
    # The reply input dispatches as it is typed: the policy checks it live.
    Block.REPLY: "type-reply",
}
ACTION_BLOCKS = {Block.REPLY}  # block ids that Chorus also listens to as action ids


class IdRecorder(SlackDriver):
    """A SlackDriver that notes the action, callback or command id of each request."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws.chorus.app, ws.standin)
        self.sent: set[str] = set()

    def send(self, form: dict[str, str]) -> BoltResponse:
        self.sent.update(sent_ids(form))
        return super().send(form)


def sent_ids(form: dict[str, str]) -> set[str]:
    if "command" in form:
        return {form["command"]}
    payload: dict[str, Any] = json.loads(form["payload"])
    ids = {a["action_id"] for a in payload.get("actions", [])}
    ids |= {payload["callback_id"]} if "callback_id" in payload else set()
    ids |= {payload["view"]["callback_id"]} if payload["type"] == "view_submission" else set()
    return ids


@pytest.fixture
def ws_and_nets(database_url: str, standin: SlackStandIn) -> Iterator[tuple[Workspace, Networks]]:
    with networks() as nets:
        nets.mastodon.customer_status()
        accounts = {
            "chorus_mastodon_base_url": nets.mastodon.url,
            "chorus_mastodon_access_token": nets.mastodon.token,
        }
        workspace = make_workspace(database_url, standin, TOML, **accounts)
        yield workspace, nets
        workspace.chorus.services.sessions.kw["bind"].dispose()


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("name", CASES)
def test_who_may_do_what_beyond_the_matrix(
    ws_and_nets: tuple[Workspace, Networks], name: str, person: str
) -> None:
    ws, nets = ws_and_nets
    case, user = CASES[name], PEOPLE[person]
    case.prepare(ws, nets)
    before = len(ws.standin.ephemerals(user))

    answer = case.act(ws, user)

    said = [message_text(m) or m.get("text", "") for m in ws.standin.ephemerals(user)[before:]]
    said += [answer] if answer else []
    if person in case.allowed:
        assert case.happened(ws, said), f"{person} may {name}, but nothing happened: {said}"
        assert not any(case.refusal and s.startswith(case.refusal) for s in said), said
    else:
        assert not case.happened(ws, said), f"{person} may not {name}, yet it happened"
        assert said and case.refusal in said[-1], said


def test_every_id_in_handlers_ids_is_in_the_matrix() -> None:
    ids = {*Action, *Modal, *Shortcut, *Command, *ACTION_BLOCKS}
    missing = sorted(str(i) for i in ids if i not in COVERED)
    assert missing == [], f"add these to the role matrix (COVERED and a case): {missing}"
    assert set(COVERED.values()) <= set(ACTIONS) | set(CASES)


def test_every_chorus_verb_in_the_readme_is_in_the_matrix() -> None:
    table = README.read_text().split("### Slash commands", 1)[1].split("\n### ", 1)[0]
    verbs = set(re.findall(r"`/chorus ([a-z-]+)", table))
    tried = {name.split()[1] for name in CASES if name.startswith("chorus ")}
    tried |= {"role", "trusted-lane", "idea"}  # role add/remove, the lane: the matrix; idea: here
    assert verbs and verbs <= tried, f"no case tries /chorus {sorted(verbs - tried)}"


@pytest.mark.parametrize("name", sorted(set(COVERED.values())))
def test_each_case_sends_the_ids_it_stands_for(
    ws_and_nets: tuple[Workspace, Networks], name: str
) -> None:
    ws, nets = ws_and_nets
    if name in CASES:
        CASES[name].prepare(ws, nets)
        act = CASES[name].act
    else:
        ACTIONS[name].prepare(ws)
        act = ACTIONS[name].act
    recorder = IdRecorder(ws)
    ws.slack = recorder
    case = CASES.get(name) or ACTIONS[name]

    act(ws, MANAGER if "manager" in case.allowed else BEN)

    claimed = {str(i) for i, covered in COVERED.items() if covered == name}
    assert claimed <= recorder.sent, f"{name} never sent {sorted(claimed - recorder.sent)}"
