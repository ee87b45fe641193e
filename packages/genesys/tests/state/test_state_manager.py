"""StateManager on the local backend: durability, recovery rules, compaction, backups."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from pathlib import Path

import pytest
from genesys.errors import StateError
from genesys.state import LocalBackend, StateManager, force_unlock


def journal_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("journal.*"))


def abandon(manager: StateManager, backend: LocalBackend) -> None:
    """What a crashed run leaves: journal as written, lock still held; release the lock."""
    assert manager.lock_info is not None
    force_unlock(backend, manager.lock_info.id)


def test_changes_are_durable_before_close(backend, make_record, make_intent) -> None:
    manager = StateManager.open(backend)
    manager.begin(make_intent(1))
    manager.commit(make_record(1))
    manager.begin(make_intent(2))
    abandon(manager, backend)

    reloaded = StateManager.open(backend)
    assert reloaded.resources == {"compute.vm1": make_record(1)}
    assert reloaded.resources["compute.vm1"].private == bytes([1, 0, 255])
    assert list(reloaded.intents) == ["compute.vm2"]  # in flight: the next run resolves it
    assert reloaded.intents["compute.vm2"].idempotency_token == "tok-2"
    assert reloaded.lineage == manager.lineage and reloaded.serial == 1
    reloaded.close()


def test_serial_counts_content_changes_only(backend, make_record, make_intent) -> None:
    with StateManager.open(backend) as manager:
        manager.begin(make_intent(1))
        assert manager.serial == 0
        manager.commit(make_record(1))
        manager.set_outputs({"url": {"value": "http://x", "sensitive": False}})
        manager.set_outputs({"url": {"value": "http://x", "sensitive": False}})  # unchanged
        manager.begin(make_intent(1, "delete"))
        manager.forget("compute.vm1")
        assert manager.serial == 3
    with StateManager.open(backend, lock=False) as manager:
        assert (manager.serial, manager.resources, manager.intents) == (3, {}, {})
        assert manager.outputs == {"url": {"value": "http://x", "sensitive": False}}


def test_close_compacts_into_a_readable_snapshot_and_a_fresh_journal(backend, make_record) -> None:
    with StateManager.open(backend) as manager:
        for n in range(5):
            manager.commit(make_record(n))
    files = journal_files(backend.directory)
    assert len(files) == 1
    assert len(files[0].read_bytes().splitlines()) == 1  # just the header
    snapshot = json.loads((backend.directory / "snapshot.json").read_text())
    assert snapshot["format"] == "genesys-state" and snapshot["version"] == 1
    assert snapshot["serial"] == 5 and snapshot["lineage"] == manager.lineage
    assert snapshot["resources"]["compute.vm3"]["id"] == "i-00003"
    assert not (backend.directory / ".lock").exists()
    closing = manager.stats()  # what persisting cost, as logged at close
    assert closing["close_s"] > 0 and closing["snapshot_write_s"] > 0  # first write + close
    assert closing["record_wait_s"] >= closing["journal_write_s"] > 0
    manager.close()  # idempotent
    assert manager.stats()["close_s"] == closing["close_s"]


def test_a_commit_costs_one_journal_line_not_a_state_rewrite(backend, make_record) -> None:
    with StateManager.open(backend) as manager:
        for n in range(500):
            manager.commit(make_record(n))
    manager = StateManager.open(backend)
    snapshot_before = (backend.directory / "snapshot.json").read_bytes()
    journal = journal_files(backend.directory)[0]
    size_before = journal.stat().st_size
    manager.commit(make_record(9999))
    assert (backend.directory / "snapshot.json").read_bytes() == snapshot_before
    assert journal.stat().st_size - size_before < 600  # one record, not 500
    manager.close()


def test_a_torn_last_line_is_ignored_and_never_appended_to(backend, make_record) -> None:
    manager = StateManager.open(backend)
    for n in range(3):
        manager.commit(make_record(n))
    abandon(manager, backend)
    journal = journal_files(backend.directory)[0]
    with journal.open("ab") as torn:
        torn.write(b'{"seq":4,"op":"commit","v":{"address":"compute.vm3","ki')

    with StateManager.open(backend, lock=False) as reader:
        assert sorted(reader.resources) == ["compute.vm0", "compute.vm1", "compute.vm2"]
    manager = StateManager.open(backend)
    manager.commit(make_record(7))
    abandon(manager, backend)  # crash again: the new line must not follow the torn bytes
    with StateManager.open(backend) as manager:
        assert sorted(manager.resources) == [f"compute.vm{n}" for n in (0, 1, 2, 7)]


def test_a_corrupted_middle_line_is_an_error_naming_the_journal(backend, make_record) -> None:
    manager = StateManager.open(backend)
    for n in range(3):
        manager.commit(make_record(n))
    abandon(manager, backend)
    journal = journal_files(backend.directory)[0]
    lines = journal.read_bytes().split(b"\n")
    lines[2] = lines[2][:20] + b"#" + lines[2][21:]
    journal.write_bytes(b"\n".join(lines))
    with pytest.raises(StateError, match=rf"{journal.name} line 3: entry 2 is corrupted"):
        StateManager.open(backend)
    assert not (backend.directory / ".lock").exists()  # a failed open releases the lock


def test_a_corrupted_snapshot_fails_clearly_never_as_empty_state(backend, make_record) -> None:
    with StateManager.open(backend) as manager:
        manager.commit(make_record(1))
    snapshot = backend.directory / "snapshot.json"
    snapshot.write_bytes(snapshot.read_bytes()[:-40])
    with pytest.raises(StateError, match=rf"state snapshot {snapshot} is corrupted"):
        StateManager.open(backend, lock=False)
    snapshot.write_text('{"format": "genesys-state", "version": 1, "lineage": "x"}')
    with pytest.raises(StateError, match="is corrupted"):
        StateManager.open(backend, lock=False)
    snapshot.unlink()
    with pytest.raises(StateError, match=r"the snapshot .* is missing"):
        StateManager.open(backend, lock=False)


def test_an_older_snapshot_put_back_is_refused(backend, make_record) -> None:
    for n in range(3):
        with StateManager.open(backend) as manager:
            manager.commit(make_record(n))
    oldest = sorted((backend.directory / "backups").iterdir())[-1]
    shutil.copy(oldest, backend.directory / "snapshot.json")
    with pytest.raises(StateError, match="older than its journal"):
        StateManager.open(backend)
    for journal in journal_files(backend.directory):
        journal.unlink()  # hiding the evidence does not help either
    with pytest.raises(StateError, match=r"journal .* is missing"):
        StateManager.open(backend)


def test_previous_snapshots_are_kept_as_backups(backend, make_record) -> None:
    for n in range(14):
        with StateManager.open(backend, keep_backups=10) as manager:
            manager.commit(make_record(n))
    backups = sorted((backend.directory / "backups").iterdir())
    assert len(backups) == 10
    serials = [json.loads(b.read_text())["serial"] for b in backups]
    assert serials == list(range(4, 14))  # the newest ten previous snapshots


def test_move_and_remove(backend, make_record) -> None:
    with StateManager.open(backend) as manager:
        manager.commit(make_record(1, address="network.main", dependencies=[]))
        manager.commit(make_record(2))
        manager.move("network.main", "network.core")
        with pytest.raises(StateError, match=r"no resource compute.nope"):
            manager.move("compute.nope", "compute.x")
        with pytest.raises(StateError, match="already exists"):
            manager.move("compute.vm2", "network.core")
        manager.remove("compute.vm2")
        with pytest.raises(StateError, match="no resource"):
            manager.remove("compute.vm2")
        manager.commit(make_record(3, dependencies=["network.core"]))
        manager.move("network.core", "network.edge")
        serial = manager.serial
    with StateManager.open(backend, lock=False) as manager:
        assert sorted(manager.resources) == ["compute.vm3", "network.edge"]
        assert manager.resources["network.edge"].address == "network.edge"
        assert manager.resources["compute.vm3"].dependencies == ["network.edge"]
        assert manager.serial == serial == 6


def test_read_only_state_refuses_changes(backend, make_record) -> None:
    with (
        StateManager.open(backend, lock=False) as manager,
        pytest.raises(StateError, match="read-only"),
    ):
        manager.commit(make_record(1))
    assert not backend.directory.exists()  # reading never creates anything


def test_unstorable_attributes_fail_naming_the_resource(backend, make_record) -> None:
    with StateManager.open(backend) as manager:
        with pytest.raises(StateError, match=r"compute.vm1: cannot be stored as JSON"):
            manager.commit(make_record(1, attributes={"blob": b"raw"}))
        manager.commit(make_record(2))
        assert list(manager.resources) == ["compute.vm2"]


def test_concurrent_writers_share_appends(state_dir: Path, make_record, make_intent) -> None:
    class SlowDisk(LocalBackend):
        """A disk whose appends take 2 ms, as a slower fsync would."""

        def append(self, key: str, data: bytes) -> None:
            time.sleep(0.002)
            super().append(key, data)

    backend = SlowDisk(state_dir)
    manager = StateManager.open(backend)

    def worker(first: int) -> None:
        for n in range(first, first + 40):
            manager.begin(make_intent(n))
            manager.commit(make_record(n))

    threads = [threading.Thread(target=worker, args=(i * 1000,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = manager.stats()
    assert stats["journal_lines"] == 640
    assert stats["journal_appends"] < 640 / 2  # coalesced: several lines per write + fsync
    # The time measured: every append's 2 ms, and callers waited through them.
    assert stats["journal_write_s"] >= 0.002 * stats["journal_appends"]
    assert stats["record_wait_s"] >= stats["journal_write_s"]
    abandon(manager, backend)
    with StateManager.open(backend) as reloaded:
        assert len(reloaded.resources) == 320 and not reloaded.intents
        assert reloaded.serial == 320


def test_a_failed_write_fails_the_caller_and_every_later_change(backend, make_record) -> None:
    manager = StateManager.open(backend)
    manager.commit(make_record(1))
    shutil.rmtree(backend.directory)  # the disk vanishes under the run
    with pytest.raises(StateError, match="could not be saved"):
        manager.commit(make_record(2))
    with pytest.raises(StateError, match="could not be saved"):
        manager.begin(make_record(3))  # type: ignore[arg-type]
    with pytest.raises(StateError):
        manager.close()
    manager.close()  # idempotent even after failing


def test_secrets_stay_out_of_logs_and_reprs(backend, make_record, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="genesys")
    with StateManager.open(backend) as manager:
        manager.commit(make_record(1))
        text = repr(manager.resources["compute.vm1"])
    with StateManager.open(backend) as manager:
        manager.forget("compute.vm1")
    assert "secret-1" not in text and "(sensitive)" in text
    assert caplog.records and "secret-" not in caplog.text


def test_unlocked_readers_never_fail_or_go_back_during_compactions(
    state_dir: Path, make_record
) -> None:
    writer_done = threading.Event()

    def write() -> None:
        try:
            for n in range(60):
                with StateManager.open(LocalBackend(state_dir)) as manager:
                    manager.commit(make_record(n))
        finally:
            writer_done.set()

    writer = threading.Thread(target=write)
    writer.start()
    counts: list[int] = []
    errors: list[StateError] = []
    while not writer_done.is_set():
        try:
            with StateManager.open(LocalBackend(state_dir), lock=False) as reader:
                counts.append(len(reader.resources))
        except StateError as err:
            errors.append(err)
    writer.join()
    assert not errors
    assert counts == sorted(counts) and len(counts) > 5


def test_a_long_run_compacts_on_the_way_without_losing_anything(
    state_dir: Path, make_record
) -> None:
    backend = LocalBackend(state_dir)
    manager = StateManager.open(backend, compact_after_bytes=4_000, keep_backups=100)

    def worker(first: int) -> None:
        for n in range(first, first + 60):
            manager.commit(make_record(n))

    threads = [threading.Thread(target=worker, args=(i * 1000,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Before any close, the journal was already folded into snapshots (geometrically: the
    # threshold grows with the snapshot, so compaction stays amortised O(changes)).
    snapshot = json.loads((state_dir / "snapshot.json").read_text())
    assert len(snapshot["resources"]) >= 50
    assert len(list((state_dir / "backups").iterdir())) >= 2
    assert len(journal_files(state_dir)) == 1
    abandon(manager, backend)
    with StateManager.open(backend, lock=False) as reloaded:
        assert len(reloaded.resources) == 360 and reloaded.serial == 360


def test_resolving_an_intent_without_waiting_is_carried_by_the_next_durable_call(
    backend, make_record, make_intent
) -> None:
    manager = StateManager.open(backend)
    manager.begin(make_intent(1))
    manager.commit(make_record(1), wait=False)  # queued; the durable intent covers it
    journal = journal_files(backend.directory)[0]
    assert b'"op":"commit"' not in journal.read_bytes()
    manager.begin(make_intent(2))  # durable, and so is everything queued before it
    assert b'"op":"commit"' in journal.read_bytes()
    manager.commit(make_record(3), wait=False)  # no intent to cover it: waits anyway
    manager.begin(make_intent(4))
    manager.forget("compute.vm4", wait=False)  # lost in the crash below...
    abandon(manager, backend)
    with StateManager.open(backend) as reloaded:
        assert sorted(reloaded.resources) == ["compute.vm1", "compute.vm3"]
        assert sorted(reloaded.intents) == ["compute.vm2", "compute.vm4"]  # ...intent stays
