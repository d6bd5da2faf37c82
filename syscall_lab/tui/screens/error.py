"""An engine error, shown with its reason and the way out; the lab can be started afresh."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...engine.lab import LabEnvironmentError, LabError
from ...i18n import t
from ...shown import shown

__all__ = ["ErrorScreen", "explain"]


def explain(error: BaseException, lang: str) -> tuple[str, str | None]:
    """(reason, fix) for an error of the lab, in ``lang``."""
    if isinstance(error, LabEnvironmentError):
        fix = error.fix or t("doctor_hint", lang)
        return t("error_env", lang, reason=error.message), fix
    if isinstance(error, LabError):
        return t("lab_failed", lang, reason=error.message), error.fix or t("doctor_hint", lang)
    return t("internal_error", lang, error=f"{type(error).__name__}: {error}"), None


class ErrorScreen(ModalScreen[str]):
    """Dismissed with ``reset`` (start a fresh lab), ``lessons`` or ``quit``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "dismiss('reset')", show=False),
                Binding("escape", "dismiss('lessons')", show=False),
                Binding("q", "dismiss('quit')", show=False)]

    def __init__(self, error: BaseException, lang: str) -> None:
        super().__init__()
        self.error = error
        self.lang = lang

    def compose(self) -> ComposeResult:
        reason, fix = explain(self.error, self.lang)
        with Vertical(id="error-box"):
            yield Static(Text(t("error_title", self.lang), style="bold red"),
                         classes="modal-title")
            yield Static(Text(shown(reason)), id="error-reason")  # may quote the lab's output
            if fix:
                yield Static(Text(shown(t("fix", self.lang, fix=fix))), classes="modal-note")
            yield Static(Text(t("error_reset", self.lang), style="dim"))
