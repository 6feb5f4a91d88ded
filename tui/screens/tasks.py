"""``T``: the selected image's tasks (imports, copies), newest first, with each one's message.

Glance keeps the reason an import failed only in its task, not on the image; this is where
a person reads it. ``ctrl+r`` reads the tasks again; esc closes.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from ..actions import bindings
from ..deck import DeckNode
from ..model import Image, ImageDeckError, describe_error, visible
from ..stores.operator import ImageTask
from ..widgets.plain import plain

COLUMNS = ("Task", "Status", "Type", "Created", "Updated")
#: Status styles, so a failure stands out.
STYLES = {"failure": "bold red", "success": "green", "processing": "bold", "pending": "italic"}


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


class TasksScreen(DeckNode, ModalScreen[None]):
    """The tasks of ``image``; the message of the task under the cursor shows whole below."""

    BINDINGS = bindings("tasks")

    DEFAULT_CSS = """
    TasksScreen { align: center middle; }
    TasksScreen > #tasks-box {
        width: 110; max-width: 100%; height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    TasksScreen #tasks-table { height: 1fr; }
    TasksScreen #task-message { height: auto; max-height: 8; padding-top: 1; }
    """

    def __init__(self, image: Image) -> None:
        super().__init__()
        self.image = image
        self.tasks: list[ImageTask] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="tasks-box") as box:
            box.border_title = plain(f"Tasks of {self.image.label} — esc closes, ctrl+r reloads")
            table: DataTable[Text] = DataTable(id="tasks-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            yield table
            yield Static(plain("loading…"), id="task-message")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="tasks", exit_on_error=False)
    async def load(self) -> None:
        try:
            tasks = await self.deck.store.image_tasks(self.image.id)
        except ImageDeckError as exc:
            self.query_one("#task-message", Static).update(plain(describe_error(exc)))
            return
        self.show(tasks)

    def show(self, tasks: list[ImageTask]) -> None:
        self.tasks = sorted(
            tasks, key=lambda t: t.created_at.timestamp() if t.created_at else 0, reverse=True
        )
        table = self.query_one(DataTable)
        table.clear()
        for task in self.tasks:
            status = Text(visible(task.status), STYLES.get(task.status, ""))
            cells = (Text(visible(task.id)), status, Text(visible(task.type)))
            table.add_row(*cells, Text(when(task.created_at)), Text(when(task.updated_at)))
        self._show_message(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_message(event.cursor_row)

    def _show_message(self, row: int) -> None:
        message = self.query_one("#task-message", Static)
        if not self.tasks:
            message.update(plain(f"Image {self.image.id} has no tasks."))
        elif 0 <= row < len(self.tasks):
            task = self.tasks[row]
            message.update(plain(f"{task.status}: {task.message or '(no message)'}"))
