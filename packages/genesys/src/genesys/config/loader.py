"""`load_config()`: read, parse, validate and cross-check a config file in one go."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath

from genesys.config.checks import check_config
from genesys.config.diagnostics import Diagnostic, format_path, sort_diagnostics
from genesys.config.expand import model_text, remember, run_build
from genesys.config.gc_pause import paused_gc
from genesys.config.model import Config
from genesys.config.reporter import Reporter, locator
from genesys.config.source import detect_format, parse_document, read_text
from genesys.config.validation import validate_data
from genesys.config.yaml_source import SourceProblem
from genesys.errors import ConfigError


@dataclass
class Inspection:
    """Everything known about a config file: the model when it is valid (errors empty),
    and every diagnostic (errors and warnings) sorted by position."""

    config: Config | None
    diagnostics: list[Diagnostic]
    addresses: list[str] = field(default_factory=list)  # of the resources it would create

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def load_config(path: str | FsPath) -> Config:
    """The validated config at `path`; raises ConfigError listing every problem.
    Warnings (non-fatal) are on `config.warnings`."""
    inspection = inspect_config(path)
    if inspection.errors or inspection.config is None:
        raise ConfigError(inspection.errors)
    return inspection.config


def inspect_config(path: str | FsPath) -> Inspection:
    """Like load_config, but returns the diagnostics instead of raising."""
    with paused_gc():
        return _inspect(path)


def _inspect(path: str | FsPath) -> Inspection:
    display = str(path)
    file = FsPath(path)
    try:
        text = read_text(file)
        document = parse_document(text, detect_format(file, text))
    except SourceProblem as problem:
        return Inspection(None, [_located(display, problem)])
    reporter = Reporter(display, locator(document.positions))
    addresses: list[str] = []
    early = [_located(display, p) for p in document.problems]
    validated = validate_data(document.data, reporter)
    cfg = validated.config
    build, model = None, None
    if cfg is not None:
        cfg._source_path = file.resolve()
        cfg._display_name = display
        cfg._format = document.format
        cfg._positions = document.positions
        cfg._translate = validated.translate
        reporter.translate = validated.translate
        check_config(cfg, reporter)
        model = model_text(cfg)
        build = run_build(cfg, reporter, with_code=False, broken=validated.broken, text=model)
        addresses = [r.address for r in build.resources]
        cfg._warnings = sort_diagnostics(reporter.warnings)
    diagnostics = sort_diagnostics(early + reporter.diagnostics)
    has_errors = any(d.severity == "error" for d in diagnostics)
    if cfg is not None and build is not None and not has_errors:
        remember(cfg, build, model)
    return Inspection(None if has_errors else cfg, diagnostics, addresses)


def _located(display: str, problem: SourceProblem) -> Diagnostic:
    return Diagnostic(
        display, problem.line, problem.column, format_path(problem.path), problem.message
    )
