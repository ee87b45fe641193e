"""What an interrupted update leaves in state survives a crash and a compaction: the update
intent with the attributes it was changing, and a record marked unfinished_update."""

from __future__ import annotations

from genesys.state import Intent, LocalBackend, StateManager, force_unlock


def test_update_intents_and_unfinished_marks_survive_crash_and_compaction(
    backend: LocalBackend, make_record
) -> None:
    manager = StateManager.open(backend)
    manager.commit(make_record(1))
    manager.commit(make_record(2))
    manager.begin(
        Intent(
            "compute.vm1",
            "instance",
            "local",
            "update",
            "tok-1",
            id="i-00001",
            changed=["size", "tags"],
        )
    )
    manager.commit(make_record(2, unfinished_update=["size"]))
    assert manager.lock_info is not None
    force_unlock(backend, manager.lock_info.id)  # a crash: the journal as written

    reloaded = StateManager.open(backend)  # replays the journal
    intent = reloaded.intents["compute.vm1"]
    assert (intent.operation, intent.id, intent.changed) == ("update", "i-00001", ["size", "tags"])
    assert reloaded.resources["compute.vm2"].unfinished_update == ["size"]
    assert reloaded.resources["compute.vm1"].unfinished_update == []
    reloaded.close()  # folds the journal into a snapshot

    again = StateManager.open(backend)
    assert again.intents["compute.vm1"].changed == ["size", "tags"]
    assert again.resources["compute.vm2"].unfinished_update == ["size"]
    again.commit(make_record(2))  # the update finished: the mark is gone
    again.close()
    final = StateManager.open(backend, lock=False)
    assert final.resources["compute.vm2"].unfinished_update == []
    final.close()
