from __future__ import annotations

import io
import json

from genesys.engine.progress import Progress
from genesys.engine.progress_tty import TerminalProgress


def test_plain_lines_use_terraforms_words() -> None:
    out = io.StringIO()
    progress = Progress(out)
    token = progress.started("compute.web[0]", "create")
    progress.finished(token, "i-123", 12.2)
    token = progress.started("network.main", "destroy")
    progress.failed(token, "in use")
    assert out.getvalue().splitlines() == [
        "compute.web[0]: Creating...",
        "compute.web[0]: Creation complete after 12s [id=i-123]",
        "network.main: Destroying...",
        "network.main: Error: in use",
    ]


def test_json_lines_carry_the_same_events() -> None:
    out = io.StringIO()
    progress = Progress(out, json_lines=True)
    progress.finished(progress.started("storage.b", "update"), "b", 0.5)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [e["status"] for e in events] == ["started", "complete"]
    assert events[1]["address"] == "storage.b" and events[1]["id"] == "b"


def test_terminal_progress_scrolls_finished_lines_and_counts() -> None:
    from rich.console import Console

    progress = TerminalProgress(total=2)
    progress.console = Console(file=io.StringIO(), force_terminal=True, width=100)
    with progress.ticker():
        first = progress.started("storage.a", "create")
        progress.started("storage.b", "create")
        rendered = progress._render()
        progress.finished(first, "a", 1.0)
    written = progress.console.file.getvalue()  # type: ignore[attr-defined]
    assert "storage.a: Creation complete after 1s [id=a]" in written
    assert "storage.b: Creating..." not in written  # in flight: drawn live, not scrolled
    assert progress.done == 1 and rendered.row_count == 3
