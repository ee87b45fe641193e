"""Issue 15 item 2: a resource deleted outside of Genesys is created again on apply.

Reading and creating agree on what exists: the local provider's registry no longer keeps
the name of a bucket whose directory is gone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import local_root, run_genesys

CONFIG = """\
provider: local
resources:
  storage:
    - name: keep-me
      type: bucket
"""


def test_a_bucket_deleted_outside_is_created_again(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    first = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    directory = local_root(tmp_path) / "buckets" / "keep-me"
    assert directory.is_dir()

    shutil.rmtree(directory)
    planned = run_genesys("plan", cwd=tmp_path)
    assert "deleted outside of Genesys" in planned.stdout, planned.stdout + planned.stderr
    again = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 added" in again.stdout
    assert directory.is_dir()
    settled = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path)
    assert settled.returncode == 0, settled.stdout + settled.stderr
