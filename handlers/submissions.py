"""Modal submissions. A refusal goes back into the modal, beside the field to fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain.errors import WorkflowError
from bot.services import review, workflow
from bot.services.core import Effects, Services
from handlers.context import services_of, user_of
from handlers.effects import apply_effects
from handlers.ids import Block, Modal
from handlers.modals import (
    metadata,
    read_department,
    read_dismiss_reason,
    read_note,
    read_reply,
    read_url,
)

UseCase = Callable[[Services, str], Effects]


def _submit(
    ack: Ack,
    context: BoltContext,
    client: WebClient,
    block: Block,
    use_case: UseCase,
    body: dict[str, Any],
) -> None:
    services = services_of(context)
    try:
        effects = use_case(services, user_of(body))
    except WorkflowError as refusal:
        ack(response_action="errors", errors={block: str(refusal)[:2000]})
        return
    ack()
    apply_effects(effects, services, client, None)


def handle_draft_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    mention_id, text = int(metadata(view)["mention_id"]), read_reply(view)
    _submit(
        ack,
        context,
        client,
        Block.REPLY,
        lambda s, user: workflow.submit_draft(s, mention_id, user, text),
        body,
    )


def handle_edit_approve_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    draft_id, text = int(metadata(view)["draft_id"]), read_reply(view)
    _submit(
        ack,
        context,
        client,
        Block.REPLY,
        lambda s, user: review.edit_and_approve(s, draft_id, user, text),
        body,
    )


def handle_request_changes_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    draft_id, note = int(metadata(view)["draft_id"]), read_note(view)
    _submit(
        ack,
        context,
        client,
        Block.NOTE,
        lambda s, user: review.request_changes(s, draft_id, user, note),
        body,
    )


def handle_reject_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    draft_id, note = int(metadata(view)["draft_id"]), read_note(view)
    _submit(
        ack,
        context,
        client,
        Block.NOTE,
        lambda s, user: review.reject(s, draft_id, user, note),
        body,
    )


def handle_mark_posted_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    draft_id, url = int(metadata(view)["draft_id"]), read_url(view)
    _submit(
        ack,
        context,
        client,
        Block.URL,
        lambda s, user: review.mark_posted(s, draft_id, user, url),
        body,
    )


def handle_dismiss_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    mention_id = int(metadata(view)["mention_id"])
    reason, _detail = read_dismiss_reason(view)
    block = Block.NOTE if not reason else Block.REASON
    _submit(
        ack,
        context,
        client,
        block,
        lambda s, user: workflow.dismiss(s, mention_id, user, reason),
        body,
    )


def handle_transfer_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    mention_id, key = int(metadata(view)["mention_id"]), read_department(view)
    _submit(
        ack,
        context,
        client,
        Block.DEPARTMENT,
        lambda s, user: workflow.transfer(s, mention_id, user, key),
        body,
    )


def register(app: App) -> None:
    app.view(Modal.DRAFT)(handle_draft_submission)
    app.view(Modal.EDIT_APPROVE)(handle_edit_approve_submission)
    app.view(Modal.REQUEST_CHANGES)(handle_request_changes_submission)
    app.view(Modal.REJECT)(handle_reject_submission)
    app.view(Modal.MARK_POSTED)(handle_mark_posted_submission)
    app.view(Modal.DISMISS)(handle_dismiss_submission)
    app.view(Modal.TRANSFER)(handle_transfer_submission)
