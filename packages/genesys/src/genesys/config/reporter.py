"""Collects located diagnostics while a config is checked or expanded."""

from __future__ import annotations

from collections.abc import Callable

from genesys.config.diagnostics import Diagnostic, Path, format_path, sort_diagnostics
from genesys.errors import ConfigError

Locate = Callable[[Path], tuple[int, int]]


class Reporter:
    """Turns (path, message) pairs into Diagnostics at the path's written position.

    `translate` maps a path in the validated data back to the path as written (they differ
    when recovery dropped broken list items); `locate` finds the written position.
    """

    def __init__(
        self,
        file: str,
        locate: Locate,
        translate: Callable[[Path], Path] = lambda p: p,
    ) -> None:
        self.file = file
        self.locate = locate
        self.translate = translate
        self.diagnostics: list[Diagnostic] = []

    def error(self, path: Path, message: str, hint: str | None = None) -> None:
        self._add(path, message, hint, "error")

    def warning(self, path: Path, message: str, hint: str | None = None) -> None:
        self._add(path, message, hint, "warning")

    def line_of(self, path: Path) -> int:
        return self.locate(self.translate(path))[0]

    def _add(self, path: Path, message: str, hint: str | None, severity: str) -> None:
        written = self.translate(path)
        line, column = self.locate(written)
        self.diagnostics.append(
            Diagnostic(
                self.file,
                line,
                column,
                format_path(written),
                message,
                "warning" if severity == "warning" else "error",
                hint,
            )
        )

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ConfigError(sort_diagnostics(self.errors))


def locator(positions: dict[Path, tuple[int, int]]) -> Locate:
    """Position of a path, or of its nearest written ancestor."""

    def locate(path: Path) -> tuple[int, int]:
        for end in range(len(path), -1, -1):
            found = positions.get(path[:end])
            if found:
                return found
        return (1, 1)

    return locate
