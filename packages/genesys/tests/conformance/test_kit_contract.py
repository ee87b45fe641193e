"""The kit's checks of validate, plan, health, stopping, list filters and name clashes: each
bug planted in the memory plugin (MEMORY_PLUGIN_BUGS) fails exactly the checks named after
it, and a report always lists every check, run or not (issue 15, items 9 and 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from genesys.conformance import run_conformance

KINDS = ("network.network", "network.subnet", "storage.bucket")
STOPS = {
    "ignores_shutdown": "lifecycle: Shutdown answers and the process exits",
    "ignores_eof": "lifecycle: exits when stdin reaches EOF (the core died)",
    "ignores_sigterm": "lifecycle: exits on SIGTERM",
    "leaves_socket_dir": "lifecycle: socket directory removed on exit",
    "no_health": "health: grpc.health.v1.Health reports SERVING",
}
PLANTED = {
    "plan_ignores_prior": {"network.subnet: plan with prior, nothing changed (PlanResources)"},
    "no_validate": {f"{k}: validate the sample (ValidateResources)" for k in KINDS},
    "duplicate_names": {"storage.bucket: duplicate name, new token -> AlreadyExists"},
    "ignores_filters": {
        f"{k}: {what}"
        for k in KINDS
        for what in (
            "list filtered by tag",
            "list filtered by name",
            "list with an unknown filter -> InvalidArgument",
        )
    },
    **{bug: {name} for bug, name in STOPS.items()},
}


@pytest.mark.parametrize("bug", sorted(PLANTED))
def test_each_planted_bug_fails_exactly_its_checks(bug: str, memory_plugin_with) -> None:
    report = run_conformance(memory_plugin_with(MEMORY_PLUGIN_BUGS=bug))

    assert {r.name for r in report.failures()} == PLANTED[bug]


def test_reasons_say_what_the_plugin_did(memory_plugin_with) -> None:
    bugs = "plan_ignores_prior,ignores_sigterm,duplicate_names"
    plugin = memory_plugin_with(MEMORY_PLUGIN_BUGS=bugs)

    reasons = {r.name: r.reason for r in run_conformance(plugin).failures()}

    plan = reasons["network.subnet: plan with prior, nothing changed (PlanResources)"]
    assert plan.startswith("error diagnostics: cidr: overlaps subnet subnet-")
    assert reasons["lifecycle: exits on SIGTERM"] == (
        "still running 2 s after SIGTERM (the core would kill it now)"
    )
    duplicate = reasons["storage.bucket: duplicate name, new token -> AlreadyExists"]
    assert duplicate.startswith("created a second resource 'bucket-")


def test_a_failed_create_lists_every_dependent_check_as_not_run(memory_plugin: str) -> None:
    report = run_conformance(memory_plugin, settings={"fail_create": "network"})

    failures = {r.name: r.reason for r in report.failures()}
    assert failures.pop("network.network: create").startswith(
        "provider returned PermissionDenied: not allowed to create a network"
    )
    assert failures.pop("network.subnet: create") == ("not run: needs network, whose create failed")
    dependent = [
        "get",
        "idempotent create",
        "update",
        "list",
        "list filtered by tag",
        "plan with prior, nothing changed (PlanResources)",
        "batch read",
        "discover",
        "adopt",
        "delete",
        "get after delete -> NotFound",
    ]
    for what in dependent:
        assert failures.pop(f"network.network: {what}") == (
            "not run: needs a network, whose create failed"
        )
        assert failures.pop(f"network.subnet: {what}").startswith("not run: needs network")
    # The subnet-outside-network check needs the network too; it is listed as not run.
    assert [n for n in failures if "outside its network" in n]
    assert all(why.startswith("not run: needs") for why in failures.values()), failures
    assert report.get("storage.bucket: delete").passed  # type: ignore[union-attr]


def test_the_plugin_runs_in_a_scratch_directory_never_the_current_one(
    memory_plugin_with, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plugin writes a cache file where it runs and where Configure says the config is.
    plugin = memory_plugin_with(MEMORY_PLUGIN_CACHE_FILE="plugin-cache.txt")
    monkeypatch.chdir(tmp_path)

    report = run_conformance(plugin)

    assert report.ok, report.failures()
    assert list(tmp_path.iterdir()) == []
