"""`run_conformance`: every check, in order, against one plugin, with cleanup guaranteed.

Order: launch -> handshake refusals -> mutual TLS both ways -> stopping (Shutdown, stdin EOF,
SIGTERM) -> metadata -> health -> schema -> configure/authenticate -> validate and plan
(no prior) -> per-kind creates (dependency order) -> plan with prior -> error mapping -> batch
read -> discover/adopt -> invoke -> per-kind deletes (reverse order) -> cleanup of anything
left, even after a failure or Ctrl-C.

Every check appears in every report: a check that cannot run (its resource's create failed,
Configure failed, the plugin died) is a failure reading `not run: <why>`. Every plugin runs
in a scratch working directory, removed afterwards, so a run never litters the current one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from genesys.conformance.crud_checks import clean_up, create_kinds, delete_kinds
from genesys.conformance.handshake_checks import handshake_checks
from genesys.conformance.lifecycle_checks import health_check, lifecycle_checks
from genesys.conformance.plan_checks import plan_with_prior_checks, validate_and_plan_checks
from genesys.conformance.provider_checks import (
    configure_checks,
    error_mapping_checks,
    metadata_checks,
    schema_checks,
)
from genesys.conformance.read_checks import batch_read_checks, discover_adopt_checks, invoke_checks
from genesys.conformance.results import CheckResult, ConformanceReport
from genesys.conformance.session import ConformanceOptions, Session
from genesys.conformance.tls_checks import tls_checks

EXECUTABLE_PREFIX = "genesys-provider-"


def run_conformance(
    target: str,
    *,
    settings: dict[str, Any] | None = None,
    region: str = "",
    project: str = "",
    endpoints: dict[str, str] | None = None,
    call_timeout_s: float = 120.0,
    handshake_timeout_s: float = 10.0,
    on_result: Callable[[CheckResult], None] | None = None,
) -> ConformanceReport:
    """Runs every conformance check against the plugin `target` (a name or an executable).

    `settings`, `region`, `project` and `endpoints` go to the plugin's Configure; for the
    local provider `root` defaults to a temporary directory removed afterwards.
    `call_timeout_s` bounds each RPC; `handshake_timeout_s` is how long a plugin started
    with a bad handshake environment may take to refuse and exit. `on_result`
    sees each check as it finishes. Never raises for a plugin's misbehaviour: that is a
    failed check in the returned report.
    """
    options = ConformanceOptions(
        target=target,
        settings=dict(settings or {}),
        region=region,
        project=project,
        endpoints=dict(endpoints or {}),
        call_timeout_s=call_timeout_s,
        handshake_timeout_s=handshake_timeout_s,
    )
    report = ConformanceReport(plugin=target)
    session = Session(options, report, on_result)
    with _scratch_dir() as scratch:
        session.workdir = scratch
        _run(session, scratch)
    return report


def _run(s: Session, scratch: str) -> None:
    from genesys.plugins import find_plugin, launch_plugin

    command = s.check("handshake: plugin found", lambda: find_plugin(s.options.target))
    if command is None:
        return
    with contextlib.ExitStack() as stack:
        s.conn = s.check(
            "handshake: launch",
            lambda: stack.enter_context(
                launch_plugin(
                    s.options.target, start_timeout=s.options.start_timeout_s, cwd=scratch
                )
            ),
        )
        handshake_checks(s, command)
        tls_checks(s, command)
        lifecycle_checks(s, command)
        if s.conn is None:
            s.halted = "the plugin did not launch"
        metadata_checks(s, expected_name(s.options.target))
        if s.metadata is not None and s.metadata.name == "local":
            s.options.settings.setdefault("root", scratch)
        health_check(s)
        schema_checks(s)
        configure_checks(s)
        try:
            _resource_checks(s)
        finally:
            left = clean_up(s)
            s.verdict("cleanup: nothing left behind", not left, "left: " + "; ".join(left))


def _resource_checks(s: Session) -> None:
    validate_and_plan_checks(s)
    create_kinds(s)
    plan_with_prior_checks(s)
    error_mapping_checks(s)
    batch_read_checks(s)
    discover_adopt_checks(s)
    invoke_checks(s)
    delete_kinds(s)


def expected_name(target: str) -> str:
    """The name GetMetadata must report: the target itself, or the executable's suffix."""
    base = os.path.basename(target)
    if base == target:
        return target
    stem = os.path.splitext(base)[0]
    return stem[len(EXECUTABLE_PREFIX) :] if stem.startswith(EXECUTABLE_PREFIX) else ""


@contextlib.contextmanager
def _scratch_dir() -> Iterator[str]:
    path = tempfile.mkdtemp(prefix="genesys-conformance-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
