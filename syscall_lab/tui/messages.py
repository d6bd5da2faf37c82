"""Messages between the lab's threads and the screens. Small, typed, and thread-safe to post."""

from __future__ import annotations

from textual.message import Message

from ..lesson.session import SessionState

__all__ = ["KernelStirred", "SessionUpdated"]


class SessionUpdated(Message, bubble=False):
    """A request to the lab finished: here is what the kernel holds now."""

    def __init__(self, state: SessionState, cause: str, notice: str | None = None) -> None:
        super().__init__()
        self.state = state
        self.cause = cause
        """start, step, look, back, reset, resume."""
        self.notice = notice
        """A message id to show once (``went_back``, ``resumed``...)."""

    def can_replace(self, message: Message) -> bool:
        # A newer look at the same lab makes an older one not yet drawn worthless.
        return (isinstance(message, SessionUpdated) and self.cause == message.cause == "look"
                and self.state.generation == message.state.generation)


class KernelStirred(Message, bubble=False):
    """Something happened in the lab between requests (output, a call returning, an exit)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, KernelStirred)
