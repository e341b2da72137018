"""Errors the core raises: each carries a sentence a person understands."""


class WorkflowError(Exception):
    """An illegal move; `str(error)` is what Chorus tells the person who tried it."""


class NotAllowed(WorkflowError):
    """A legal move, but not for this person."""
