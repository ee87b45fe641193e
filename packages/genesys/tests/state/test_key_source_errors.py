"""`encrypt: true` without a usable key source stops the run with one error that says what
to set, before any state is touched (run through the real CLI entry point)."""

from __future__ import annotations

from pathlib import Path

import pytest
from genesys.cli.main import main


def run_plan(tmp_path: Path, state_block: str, capsys) -> tuple[int, str]:
    config = tmp_path / "genesys.yaml"
    config.write_text(f"project: demo\nstate: {state_block}\n")
    code = main(["plan", "-c", str(config)])
    return code, capsys.readouterr().err


def test_no_passphrase_names_the_passphrase_and_where_kms_applies(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GENESYS_STATE_PASSPHRASE", raising=False)
    code, err = run_plan(tmp_path, "{backend: local, encrypt: true}", capsys)
    assert code == 1
    assert "no key source is set: set GENESYS_STATE_PASSPHRASE" in err
    assert "state.kms_key" in err and "s3: AWS KMS" in err
    assert "Traceback" not in err
    assert not (tmp_path / ".genesys").exists()


def test_kms_key_on_local_state_names_the_backends_that_wrap_keys(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GENESYS_STATE_PASSPHRASE", raising=False)
    block = "{backend: local, encrypt: true, kms_key: alias/genesys-state}"
    code, err = run_plan(tmp_path, block, capsys)
    assert code == 1
    assert "state.kms_key needs a remote backend whose plugin offers a key service" in err
    assert "gcs" not in err and "azureblob" not in err  # they offer no key service yet
    assert "set GENESYS_STATE_PASSPHRASE instead" in err
