"""Progress on a terminal: finished lines scroll by, operations in flight stay live below.

    network.main-vpc: Creation complete after 1s [id=vpc-0abc]
    ⠋ Creating compute.web-server[0]... [12s]
    ⠋ Creating database.app-db... [12s]
      3 of 11 done

The lines that scroll are exactly those of the plain `Progress` (Terraform's words), so a
terminal's scrollback reads like a CI log; only the live part is drawn with rich.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from genesys.engine.progress import Progress
from genesys.redaction import SECRETS

_ACTIVE = {"create": "Creating", "update": "Modifying", "destroy": "Destroying"}
_SHOWN = 8  # in-flight rows drawn; the rest are counted


class TerminalProgress(Progress):
    def __init__(self, total: int) -> None:
        from rich.console import Console

        super().__init__()
        self.console = Console(highlight=False)
        self.total = total
        self.done = 0
        self._live: Any = None

    def _emit(self, address: str, verb: str, text: str, **fields: object) -> None:
        if fields.get("status") in ("started", "in_progress"):
            return  # the live region shows these
        if fields.get("status") in ("complete", "errored", "cancelled"):
            self.done += 1
        text = SECRETS.redact(text)
        self.console.print(f"{address}: {text}", markup=False, highlight=False)

    def note(self, message: str) -> None:
        self.console.print(SECRETS.redact(message), markup=False, highlight=False)

    def _render(self) -> Any:
        from rich.spinner import Spinner
        from rich.table import Table

        table = Table.grid(padding=(0, 1))
        now = time.monotonic()
        with self._lock:
            rows = sorted(self._in_flight.values(), key=lambda row: row[2])
        for address, verb, since in rows[:_SHOWN]:
            table.add_row(Spinner("dots"), f"{_ACTIVE[verb]} {address}... [{now - since:.0f}s]")
        more = f" ({len(rows) - _SHOWN} more in flight)" if len(rows) > _SHOWN else ""
        table.add_row("", f"{self.done} of {self.total} done{more}")
        return table

    @contextlib.contextmanager
    def ticker(self) -> Iterator[None]:
        from rich.live import Live

        with Live(
            get_renderable=self._render, console=self.console, transient=True, refresh_per_second=8
        ) as live:
            self._live = live
            yield
        self._live = None


def progress_for(total: int, *, json_lines: bool) -> Progress:
    """Rich live progress on an interactive terminal (unless NO_COLOR/TERM=dumb), plain
    Terraform-style lines everywhere else."""
    import os
    import sys

    interactive = sys.stdout.isatty() and os.environ.get("TERM", "") != "dumb"
    if json_lines or not interactive or os.environ.get("NO_COLOR"):
        return Progress(json_lines=json_lines)
    return TerminalProgress(total)
