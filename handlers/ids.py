"""Action, callback and block ids: written and read in one place."""

from enum import StrEnum


class Action(StrEnum):
    CLAIM = "mention_claim"
    DRAFT = "mention_draft"
    UNCLAIM = "mention_unclaim"
    TRANSFER = "mention_transfer"
    DISMISS = "mention_dismiss"
    OPEN_POST = "mention_open_post"
    MARK_ADVOCATE = "customer_mark_advocate"
    SPIKE_SHOW_NEXT = "spike_show_next"
    APPROVE = "draft_approve"
    EDIT_APPROVE = "draft_edit_approve"
    REQUEST_CHANGES = "draft_request_changes"
    REJECT = "draft_reject"
    MARK_POSTED = "draft_mark_posted"
    REVISE = "draft_revise"
    PUBLISH = "draft_publish"
    RETRY_PUBLISH = "draft_retry_publish"
    UPDATE_RESULTS = "reply_update_results"
    DIGEST_OPEN = "digest_open_mentions"
    APPROVE_IDEA = "idea_approve"
    DECLINE_IDEA = "idea_decline"


class Modal(StrEnum):
    DRAFT = "draft_modal"
    EDIT_APPROVE = "edit_approve_modal"
    REQUEST_CHANGES = "request_changes_modal"
    REJECT = "reject_modal"
    MARK_POSTED = "mark_posted_modal"
    DISMISS = "dismiss_modal"
    TRANSFER = "transfer_modal"
    LOG_MENTION = "log_mention_modal"
    RESULTS = "results_modal"
    IDEA = "idea_modal"
    DECLINE_IDEA = "decline_idea_modal"


class Shortcut(StrEnum):
    LOG_MENTION = "log_customer_mention"
    PITCH_IDEA = "pitch_post_idea"
    PITCH_FROM_MESSAGE = "pitch_as_post_idea"


class Block(StrEnum):
    REPLY = "reply"
    NOTE = "note"
    URL = "live_url"
    REASON = "reason"
    DEPARTMENT = "department"
    CARD_ACTIONS = "card_actions"
    REVIEW_ACTIONS = "review_actions"
    LIKES = "likes"
    SHARES = "shares"
    QUOTES = "quotes"
    REPLIES = "replies"
    CLICKS = "clicks"
    ANSWER = "customer_answer"
    # Under a reply input: what the policy says of the text, rechecked as it is typed.
    POLICY_FINDINGS = "policy_findings"
    IDEA_TITLE = "idea_title"
    IDEA_PITCH = "idea_pitch"
    IDEA_NETWORK = "idea_network"
    IDEA_LINK = "idea_link"


class Command(StrEnum):
    CLAIM = "/claim"
    DRAFT = "/draft"
    MENTIONS = "/mentions"
    CHORUS = "/chorus"
