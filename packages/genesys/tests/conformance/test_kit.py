"""The conformance kit against real plugin processes: a correct one passes every check, and
each planted bug fails exactly the checks named after it."""

from __future__ import annotations

import pytest
from genesys.conformance import CheckResult, ConformanceReport, run_conformance

MEMORY_KINDS = ("network.network", "network.subnet", "storage.bucket")


def test_a_correct_plugin_passes_every_check(memory_plugin: str) -> None:
    seen: list[CheckResult] = []
    report = run_conformance(memory_plugin, on_result=seen.append)

    assert report.failures() == []
    assert report.ok
    assert seen == report.results  # every result was reported as it happened
    names = [r.name for r in report.results]
    for kind in MEMORY_KINDS:
        for what in (
            "create",
            "get",
            "idempotent create",
            "update",
            "list",
            "batch read",
            "discover",
            "adopt",
            "delete",
            "get after delete -> NotFound",
            "validate the sample (ValidateResources)",
            "plan a create (PlanResources, no prior)",
            "plan with prior, nothing changed (PlanResources)",
            "list filtered by tag",
            "list filtered by name",
            "list with an unknown filter -> InvalidArgument",
        ):
            assert f"{kind}: {what}" in names
    for name in (
        "handshake: launch",
        "handshake: unsupported protocol version refused",
        "handshake: missing magic cookie refused",
        "handshake: missing client certificate refused (no plaintext fallback)",
        "handshake: announces a certificate and serves mutual TLS",
        "handshake: a client without the core's certificate refused",
        "metadata: answers in < 100 ms",
        "errors: invalid network CIDR -> InvalidArgument",
        "provider: batch read of an unknown id -> not_found",
        "cleanup: nothing left behind",
        "health: grpc.health.v1.Health reports SERVING",
        "lifecycle: Shutdown answers and the process exits",
        "lifecycle: exits when stdin reaches EOF (the core died)",
        "lifecycle: exits on SIGTERM",
        "lifecycle: socket directory removed on exit",
        "storage.bucket: duplicate name, new token -> AlreadyExists",
    ):
        assert name in names
    # Kinds the plugin does not declare are not tested at all.
    assert not any(n.startswith("compute.") for n in names)
    assert report.summary() == f"{len(names)} passed, 0 failed"


def test_children_are_created_after_and_deleted_before_their_parents(memory_plugin: str) -> None:
    names = [r.name for r in run_conformance(memory_plugin).results]

    assert names.index("network.network: create") < names.index("network.subnet: create")
    assert names.index("network.subnet: delete") < names.index("network.network: delete")


def test_broken_idempotency_and_untyped_not_found_fail_by_name(broken_plugin: str) -> None:
    report = run_conformance(broken_plugin)

    failed = {r.name for r in report.failures()}
    expected = {
        "provider: batch read by idempotency token",
        # The second subnet its broken idempotency made overlaps the first: a true finding.
        "network.subnet: plan with prior, nothing changed (PlanResources)",
    }
    for kind in MEMORY_KINDS:
        expected |= {
            f"{kind}: idempotent create",
            f"{kind}: get of unknown id -> NotFound",
            f"{kind}: get after delete -> NotFound",
            f"{kind}: delete again -> NotFound or OK",
        }
    assert failed == expected
    assert not report.ok
    idempotent = report.get("network.network: idempotent create")
    assert idempotent is not None
    assert "created a second resource" in idempotent.reason
    not_found = report.get("storage.bucket: get after delete -> NotFound")
    assert not_found is not None
    assert not_found.reason.startswith("expected NotFound, got untyped UNKNOWN: bucket")
    # The duplicates the broken plugin made were found and deleted too.
    cleanup = report.get("cleanup: nothing left behind")
    assert cleanup is not None and cleanup.passed
    assert report.summary() == f"{report.passed} passed, {len(expected)} failed"


def test_a_plugin_that_hangs_or_ignores_the_cookie_fails_the_refusal_checks(
    sloppy_handshake_plugin: str,
) -> None:
    report = run_conformance(sloppy_handshake_plugin, handshake_timeout_s=3.0)

    failures = {r.name: r.reason for r in report.failures()}
    assert set(failures) == {
        "handshake: unsupported protocol version refused",
        "handshake: missing magic cookie refused",
    }
    assert "still running after 3 s" in failures["handshake: unsupported protocol version refused"]
    assert "exited 0" in failures["handshake: missing magic cookie refused"]


def test_a_plaintext_plugin_fails_the_mtls_checks(plugin_fixture) -> None:
    report = run_conformance(plugin_fixture("plaintext_plugin.py"))

    failures = {r.name: r.reason for r in report.failures()}
    # The core cannot launch it, so every check that needs the launched plugin is listed as
    # not run, saying why, rather than left out of the report.
    not_run = {n for n, why in failures.items() if why == "not run: the plugin did not launch"}
    assert {"metadata: GetMetadata answers", "metadata: name", "provider: configure"} <= not_run
    assert set(failures) - not_run == {
        "handshake: launch",
        "handshake: missing client certificate refused (no plaintext fallback)",
        "handshake: announces a certificate and serves mutual TLS",
        "handshake: a client without the core's certificate refused",
    }
    assert "announced no TLS certificate" in failures["handshake: launch"]
    assert (
        "announced no certificate"
        in failures["handshake: announces a certificate and serves mutual TLS"]
    )
    assert (
        "accepted a plaintext client"
        in failures["handshake: a client without the core's certificate refused"]
    )


def test_a_plugin_that_lets_any_client_in_fails_by_name(plugin_fixture) -> None:
    report = run_conformance(plugin_fixture("any_client_plugin.py"))

    failures = {r.name: r.reason for r in report.failures()}
    assert set(failures) == {"handshake: a client without the core's certificate refused"}
    assert (
        "accepted a client with a stranger's certificate"
        in failures["handshake: a client without the core's certificate refused"]
    )


def test_a_plugin_that_dies_mid_run_ends_the_run_quickly_and_says_so(memory_plugin: str) -> None:
    report = run_conformance(memory_plugin, settings={"crash_on_create": "subnet"})

    crashed = report.get("network.subnet: create")
    assert crashed is not None and not crashed.passed
    assert "crashed: exited with code 3" in crashed.reason
    later = report.results[report.results.index(crashed) + 1 : -1]
    assert later and all(r.reason.startswith("not run: the plugin died") for r in later)
    assert report.get("network.network: create").passed  # type: ignore[union-attr]
    cleanup = report.results[-1]
    assert cleanup.name == "cleanup: nothing left behind" and not cleanup.passed
    assert cleanup.reason.startswith("left: network network-")
    assert cleanup.reason.endswith("(the plugin died)")


def test_an_interrupted_run_still_deletes_what_it_made(memory_plugin: str) -> None:
    seen: list[CheckResult] = []

    def interrupt_after_bucket_create(result: CheckResult) -> None:
        seen.append(result)
        if result.name == "storage.bucket: create":
            raise KeyboardInterrupt  # as if Ctrl-C arrived right after the create

    with pytest.raises(KeyboardInterrupt):
        run_conformance(memory_plugin, on_result=interrupt_after_bucket_create)

    names = [r.name for r in seen]
    assert "network.network: delete" not in names  # the delete phase never ran...
    assert seen[-1] == CheckResult("cleanup: nothing left behind", True)  # ...cleanup did


def test_a_missing_plugin_is_one_failed_check() -> None:
    report = run_conformance("no-such-provider-xyz")

    assert [r.name for r in report.results] == ["handshake: plugin found"]
    assert "not installed" in report.results[0].reason
    assert report.summary() == "0 passed, 1 failed"


def test_report_lines_and_json() -> None:
    report = ConformanceReport("x")
    report.results += [CheckResult("a: b", True), CheckResult("c: d", False, "why")]

    assert [r.line() for r in report.results] == ["PASS  a: b", "FAIL  c: d: why"]
    assert report.summary() == "1 passed, 1 failed"
    assert not report.ok
    assert report.to_dict()["failed"] == 1
    assert not ConformanceReport("empty").ok  # nothing ran: not a pass
