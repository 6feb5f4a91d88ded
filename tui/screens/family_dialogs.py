"""The family view's questions: one typed value (a day, a count), and a plan to apply or not."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from ..dialogs import ConfirmDialog
from ..dialogs.base import Dialog
from ..gallery import Plan
from ..widgets.plain import PlainInput, plain, plain_lines

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_day(text: str) -> str | None:
    """Why ``text`` is not a calendar day as YYYY-MM-DD (None when it is one)."""
    if not _DAY.match(text):
        return f"give the day as YYYY-MM-DD, not {text!r}"
    try:
        date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a day of the calendar"
    return None


def check_keep(text: str) -> str | None:
    """Why ``text`` is not a number of versions to keep (None when it is one)."""
    if not text.isdigit() or int(text) < 1:
        return f"keep a whole number of versions, at least 1, not {text!r}"
    return None


class AskDialog(Dialog[str]):
    """``AskDialog(title, question, check, value)``: enter returns the text once ``check`` finds no fault."""

    AUTO_FOCUS = "#answer"

    def __init__(
        self, title: str, question: str, check: Callable[[str], str | None], value: str = ""
    ) -> None:
        super().__init__()
        self.title_text, self.question, self.check, self.value = title, question, check, value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(self.title_text)
            yield Static(plain(self.question))
            yield PlainInput(self.value, id="answer", compact=True)
            yield Static("", id="error")
            yield Static("enter goes on to the plan, esc cancels", classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        fault = self.check(text)
        if fault is not None:
            self.show_error(fault)
            return
        self.dismiss(text)


def plan_lines(plan: Plan) -> list[str]:
    """One line per step: what happens to which image, or why it will not."""
    lines = []
    for step in plan.steps:
        note = f" — not done: {step.skipped}" if step.skipped else ""
        lines.append(f"{step.action}: {step.name} ({step.image_id}){note}")
    if not plan.changes:
        lines.append("nothing to change")
    return lines


class PlanDialog(ConfirmDialog):
    """A plan, step by step, before anything changes; y applies it, n or esc leaves everything as it is."""

    DEFAULT_CSS = """
    PlanDialog > #dialog {
        width: 90;
        border: round $warning;
    }
    PlanDialog #steps {
        margin: 1 0 0 0;
        max-height: 16;
    }
    """

    def __init__(self, title: str, plan: Plan) -> None:
        super().__init__(title, "", confirm_label="Apply")
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as frame:
            frame.border_title = plain(self.title_text)
            yield Static(plain(f"family {self.plan.family} in {self.plan.place}"), id="message")
            yield Static(plain_lines(*plan_lines(self.plan)), id="steps")
            yield Static("", id="error")
            yield Static("y applies the plan, n or esc changes nothing", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", action="screen.cancel", compact=True)
                yield Button(
                    "Apply", id="confirm", variant="warning", action="screen.answer(True)", compact=True
                )


__all__ = ["AskDialog", "PlanDialog", "check_day", "check_keep", "plan_lines"]
