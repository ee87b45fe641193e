"""Repository-wide pytest policy: CI never hides a skip.

With `CI=true` a skipped test fails the run: a skip there means something CI was meant to
exercise (PostgreSQL, Node.js, moto, ...) silently was not. The only exception is a test
marked `@pytest.mark.real_cloud`, which needs credentials for a real cloud account that CI
does not have; those skips are listed at the end of the run so they stay visible.
An expected failure (`xfail`) is not a skip and is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

REAL_CLOUD = "real_cloud"
_real_cloud_skips = pytest.StashKey[list[tuple[str, str]]]()
# Collection hooks get no config handle before the session exists: a module-level list.
_ci_module_skips: list[tuple[str, str]] = []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{REAL_CLOUD}: needs real cloud credentials; the only tests allowed to skip in CI",
    )
    config.stash[_real_cloud_skips] = []


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (file, line, "Skipped: why")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_skip(report: pytest.TestReport, where: str) -> None:
    reason = _skip_reason(report)
    report.outcome = "failed"
    report.longrepr = (
        f"{where} skipped under CI=true ({reason}). CI never hides a skip: install what it "
        f"needs in .ci/run, or mark it @pytest.mark.{REAL_CLOUD} if it needs real cloud "
        "credentials."
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    if item.get_closest_marker(REAL_CLOUD) is not None:
        item.config.stash[_real_cloud_skips].append((item.nodeid, _skip_reason(report)))
    elif in_ci():
        _fail_skip(report, f"test {item.nodeid}")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A whole module skipped at import (pytest.skip(allow_module_level=True), importorskip).
    Failing its collection would interrupt the session, so it is recorded here and fails
    the run at the end instead."""
    if report.skipped and in_ci():
        _ci_module_skips.append((report.nodeid, _skip_reason(report)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _ci_module_skips and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if _ci_module_skips:
        terminalreporter.section(f"modules skipped under CI=true: {len(_ci_module_skips)}")
        for nodeid, reason in _ci_module_skips:
            terminalreporter.line(
                f"FAILED {nodeid}: skipped ({reason}). CI never hides a skip: install what it "
                f"needs in .ci/run, or mark its tests @pytest.mark.{REAL_CLOUD}."
            )
    skipped = config.stash.get(_real_cloud_skips, [])
    if skipped:
        terminalreporter.section(f"real-cloud tests skipped (credential-gated): {len(skipped)}")
        for nodeid, reason in skipped:
            terminalreporter.line(f"{nodeid}: {reason}")
