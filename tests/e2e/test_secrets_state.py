"""Turning `state.encrypt` on over a plaintext state with a real database password in it:
the next run converts the snapshot, its backups and journals, and says so once (issue 14,
item 5) — real CLI, real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from genesys_provider_local import postgres

from .conftest import genesys_env, run_genesys

PASSPHRASE = "e2e state passphrase"
# The installed major: the version a provider substitutes is not what these tests are about.
VERSION = postgres.installations()[0].major if postgres.installations() else "16"
CONFIG = """\
provider: local
{state}resources:
  database:
    - name: app-db
      engine: postgres
      version: "{version}"
  storage:
    - name: bucket-{n}
      type: bucket
"""


def _write(project: Path, n: int, encrypt: bool = False) -> None:
    state = "state:\n  encrypt: true\n" if encrypt else ""
    (project / "genesys.yaml").write_text(CONFIG.format(state=state, n=n, version=VERSION))


def test_turning_encryption_on_leaves_no_plaintext_copy(tmp_path: Path) -> None:
    env = genesys_env(GENESYS_STATE_PASSPHRASE=PASSPHRASE)
    try:
        for n in range(3):  # three plaintext runs: backups of snapshots holding the password
            _write(tmp_path, n)
            applied = run_genesys("apply", "--auto-approve", cwd=tmp_path, env=env)
            assert applied.returncode == 0, applied.stdout + applied.stderr
        pulled = run_genesys("state", "pull", cwd=tmp_path, env=env)
        record = json.loads(pulled.stdout)["resources"]["database.app-db"]
        password = record["attributes"]["password"].encode()
        state_dir = tmp_path / ".genesys" / "state"
        assert any(password in p.read_bytes() for p in state_dir.rglob("backups/*"))

        _write(tmp_path, 3, encrypt=True)
        converted = run_genesys("apply", "--auto-approve", cwd=tmp_path, env=env)
        assert converted.returncode == 0, converted.stdout + converted.stderr
        said = [line for line in converted.stderr.splitlines() if "now encrypted" in line]
        assert len(said) == 1 and "backups/" in said[0], converted.stderr
        for path in state_dir.rglob("*"):
            if path.is_file():
                assert password not in path.read_bytes(), path
        again = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path, env=env)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "now encrypted" not in again.stderr
    finally:
        run_genesys("destroy", "--auto-approve", cwd=tmp_path, env=env)
