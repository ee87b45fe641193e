from __future__ import annotations

import subprocess
import sys


def _complete(*words: str) -> list[str]:
    script = subprocess.run(
        [sys.executable, "-m", "genesys.cli.main", "completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = " ".join(f'"{w}"' for w in ("genesys", *words))
    probe = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words)}; _genesys; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    return subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()


def test_bash_completes_commands_subcommands_and_options() -> None:
    assert "state" in _complete("sta")
    assert {"list", "show", "mv", "rm", "pull", "push"} <= set(_complete("state", ""))
    assert _complete("plan", "--detailed") == ["--detailed-exitcode"]
