"""`genesys state ...` and `genesys force-unlock`, run through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from genesys.cli.main import main
from genesys.state import LocalBackend, StateManager


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "genesys.yaml"
    path.write_text("project: demo\n")
    return str(path)


@pytest.fixture
def filled(backend: LocalBackend, make_record) -> LocalBackend:
    with StateManager.open(backend) as manager:
        manager.commit(make_record(1, address="network.main", dependencies=[]))
        manager.commit(make_record(2))
        manager.commit(make_record(3, address="compute.web[0]"))
    return backend


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_filter(filled, config, capsys) -> None:
    assert run(capsys, "state", "list", "-c", config) == (
        0,
        "compute.vm2\ncompute.web[0]\nnetwork.main\n",
        "",
    )
    code, out, _ = run(capsys, "state", "list", "-c", config, "compute.web")
    assert (code, out) == (0, "compute.web[0]\n")


def test_list_finds_the_config_in_the_working_directory(
    filled, config, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(Path(config).parent)
    code, out, _ = run(capsys, "state", "list")
    assert code == 0 and out.splitlines() == ["compute.vm2", "compute.web[0]", "network.main"]


def test_show_masks_sensitive_values(filled, config, capsys) -> None:
    code, out, _ = run(capsys, "state", "show", "compute.vm2", "-c", config)
    assert code == 0
    assert out.startswith("# compute.vm2\n")
    assert 'id           = "i-00002"' in out
    assert "password = (sensitive)" in out and "secret-2" not in out
    assert 'name     = "vm2"' in out
    code, _, err = run(capsys, "state", "show", "compute.vm9", "-c", config)
    assert code == 1 and 'did you mean "compute.vm2"' in err and "Traceback" not in err


def test_rm_and_mv(filled, config, capsys) -> None:
    code, out, _ = run(capsys, "state", "rm", "compute.vm2", "-c", config)
    assert code == 0 and "Removed compute.vm2" in out
    code, _, err = run(capsys, "state", "rm", "compute.vm2", "network.main", "-c", config)
    assert code == 1 and "not in the state: compute.vm2 (nothing was removed)" in err
    code, out, _ = run(capsys, "state", "mv", "network.main", "network.core", "-c", config)
    assert code == 0 and 'Moved "network.main" to "network.core"' in out
    code, _, err = run(capsys, "state", "mv", "network.main", "network.x", "-c", config)
    assert code == 1 and "no resource network.main" in err
    _, out, _ = run(capsys, "state", "list", "-c", config)
    assert out.splitlines() == ["compute.web[0]", "network.core"]


def test_pull_then_push_into_another_state(filled, config, tmp_path, capsys) -> None:
    code, pulled, _ = run(capsys, "state", "pull", "-c", config)
    assert code == 0 and json.loads(pulled)["serial"] == 3
    dump = tmp_path / "pulled.json"
    dump.write_text(pulled)

    other = tmp_path / "other"
    other.mkdir()
    other_config = str(other / "genesys.yaml")
    Path(other_config).write_text("project: other\n")
    with StateManager.open(LocalBackend(other / ".genesys" / "state" / "default")) as manager:
        manager.set_outputs({"x": {"value": 1}})  # a state of its own (another lineage)
    code, _, err = run(capsys, "state", "push", str(dump), "-c", other_config)
    assert code == 1 and "another state" in err and "--force" in err
    code, out, _ = run(capsys, "state", "push", str(dump), "--force", "-c", other_config)
    assert code == 0 and "State replaced" in out
    _, listed, _ = run(capsys, "state", "list", "-c", other_config)
    assert listed.splitlines() == ["compute.vm2", "compute.web[0]", "network.main"]


def test_push_refuses_an_older_serial_unless_forced(filled, config, tmp_path, capsys) -> None:
    _, pulled, _ = run(capsys, "state", "pull", "-c", config)
    older = tmp_path / "older.json"
    older.write_text(pulled)
    run(capsys, "state", "rm", "compute.vm2", "-c", config)  # serial 4 now
    code, _, err = run(capsys, "state", "push", str(older), "-c", config)
    assert code == 1 and "lower than the current 4" in err
    code, _, _ = run(capsys, "state", "push", str(older), "--force", "-c", config)
    assert code == 0
    with StateManager.open(filled, lock=False) as manager:
        assert "compute.vm2" in manager.resources and manager.serial == 5  # above 4


def test_a_locked_state_is_refused_and_force_unlock_releases_it(filled, config, capsys) -> None:
    holder = StateManager.open(filled, operation="apply")
    assert holder.lock_info is not None
    lock_id = holder.lock_info.id
    code, _, err = run(capsys, "state", "rm", "compute.vm2", "-c", config)
    assert code == 1
    assert err.startswith("Error: state is locked by apply (") and f"force-unlock {lock_id}" in err
    code, _, err = run(capsys, "force-unlock", lock_id, "-c", config)
    assert code == 1 and "no terminal" in err and "--force" in err  # stdin is not a TTY here
    code, _, err = run(capsys, "force-unlock", "wrong", "--force", "-c", config)
    assert code == 1 and "does not match" in err
    code, out, _ = run(capsys, "force-unlock", lock_id, "--force", "-c", config)
    assert code == 0 and lock_id in out
    assert run(capsys, "state", "rm", "compute.vm2", "-c", config)[0] == 0


def test_encrypted_state_needs_the_passphrase(
    backend, make_record, config, capsys, monkeypatch
) -> None:
    with StateManager.open(backend, passphrase="pw") as manager:
        manager.commit(make_record(1))
    code, _, err = run(capsys, "state", "list", "-c", config)
    assert code == 1 and "set GENESYS_STATE_PASSPHRASE" in err
    monkeypatch.setenv("GENESYS_STATE_PASSPHRASE", "pw")
    assert run(capsys, "state", "list", "-c", config) == (0, "compute.vm1\n", "")
    assert run(capsys, "state", "rm", "compute.vm1", "-c", config)[0] == 0
    with StateManager.open(backend, passphrase="pw", lock=False) as manager:
        assert manager.encrypted and manager.resources == {}


def test_state_without_a_subcommand_prints_help(capsys) -> None:
    code, _, err = run(capsys, "state")
    assert code == 1 and "list" in err and "push" in err
