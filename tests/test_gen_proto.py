"""The committed protocol stubs are reproducible, and drift is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STUBS = Path("packages/genesys-protocol/src/genesys/provider/v1")


def _gen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(root / "tools/gen_proto.py"), *args],
                          capture_output=True, text=True, timeout=120)


def test_committed_stubs_match_the_protos() -> None:
    checked = _gen(ROOT, "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_proto_edit_without_regeneration_fails_the_check(tmp_path: Path) -> None:
    for part in ("proto", "tools", str(STUBS)):
        shutil.copytree(ROOT / part, tmp_path / part)
    assert _gen(tmp_path, "--check").returncode == 0
    proto = tmp_path / "proto/genesys/provider/v1/common.proto"
    proto.write_text(proto.read_text().replace(
        "message Lifecycle {", "message Lifecycle {\n  int32 transition_after_days = 2;"))
    stale = _gen(tmp_path, "--check")
    assert stale.returncode == 1 and "common_pb2.py" in stale.stdout
    assert _gen(tmp_path).returncode == 0
    assert _gen(tmp_path, "--check").returncode == 0
    assert "transition_after_days" in (tmp_path / STUBS / "common_pb2.pyi").read_text()
