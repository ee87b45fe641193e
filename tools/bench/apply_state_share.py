"""Share of a whole `genesys apply` of N resources (local provider) spent persisting state.

    uv run --all-packages python tools/bench/apply_state_share.py [N ...]   (default: 100000)

For each N: writes a config of N buckets into a fresh project (on the disk named in the
output: state and the provider's files on a real disk, where fsync costs what it costs),
then times `genesys apply --auto-approve --parallelism 16` as the process a user runs
(start-up, plugin start, config, plan, N creates, state, output). When it closes, the CLI's
state manager logs what it measured (GENESYS_LOG=info):

- record wait: the time apply's workers spent inside begin/commit (encoding the journal
  line, group-committed append + fdatasync of each intent before its create, compactions
  on the way), summed over the workers; divided by the parallelism it is the wall time
  each worker lost to state;
- close: the final compaction (the whole state as a new snapshot), which nothing overlaps;
- writer busy: appends + fdatasyncs + snapshot writes + encoding, one flush at a time.

Persisting share = (record wait / parallelism + close) / apply wall time: the fraction of
the run the workers spent on state. Writer busy / wall is also printed; it is an upper
bound, as appends overlap other workers' creates.

Target: persisting share <= 10% at 100,000 resources, with every finished change durable
(each create's intent is fdatasynced before the provider is asked; its commit rides on the
next append, the intent covering it until then).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_disk

TARGET_SHARE = 0.10
PARALLELISM = 16


def _config(n: int, state_dir: str | None = None) -> str:
    lines = ["provider: local", "region: local"]
    if state_dir:
        lines += ["state:", f"  path: {state_dir}"]
    lines += ["resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: bucket-{i:06d}", "      type: bucket", "      tags: {Team: bench}"]
    return "\n".join(lines) + "\n"


def _persisting_stats(log_text: str) -> dict[str, float]:
    """The state manager's closing figures from the CLI's JSON log lines."""
    marker = "state persisting: "
    for line in reversed(log_text.splitlines()):
        start = line.find(marker)
        if start >= 0:
            text = line[start + len(marker) :]
            return dict(ast.literal_eval(text[: text.index("}") + 1]))
    raise SystemExit("the apply logged no 'state persisting' line:\n" + log_text[-3000:])


def _apply_process(project: Path) -> tuple[float, dict[str, float]]:
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "GENESYS_LOG": "info",
        "PYTHONPYCACHEPREFIX": str(project / ".pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [
        sys.executable, "-m", "genesys.cli.main", "apply", "--auto-approve",
        "--parallelism", str(PARALLELISM),
    ]
    with open(project / "apply.out", "w") as out, open(project / "apply.log", "w") as err:
        started = time.perf_counter()
        code = subprocess.run(command, cwd=project, env=env, stdout=out, stderr=err).returncode
        elapsed = time.perf_counter() - started
    log_text = (project / "apply.log").read_text()
    if code != 0:
        raise SystemExit(f"apply exited {code}:\n{log_text[-3000:]}")
    return elapsed, _persisting_stats(log_text)


def main(sizes: list[int]) -> None:
    scratch = Path(os.environ.get("GENESYS_BENCH_DIR", "/var/tmp"))
    print(
        f"projects under {bench_disk.describe(scratch)}; load average "
        f"{os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs; parallelism {PARALLELISM}"
    )
    print(
        f"{'resources':>10} {'apply s':>8} {'appends':>8} {'wait s':>8} {'close s':>8} "
        f"{'busy s':>7} {'busy':>6} {'share':>6}  target <= {TARGET_SHARE:.0%}"
    )
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="genesys-bench-apply-", dir=scratch) as tmp:
            project = Path(tmp)
            (project / "genesys.yaml").write_text(_config(n))
            elapsed, stats = _apply_process(project)
        busy = stats["journal_write_s"] + stats["snapshot_write_s"] + stats["encode_s"]
        share = (stats["record_wait_s"] / PARALLELISM + stats["close_s"]) / elapsed
        print(
            f"{n:>10} {elapsed:>8.1f} {int(stats['journal_appends']):>8} "
            f"{stats['record_wait_s']:>8.1f} {stats['close_s']:>8.2f} {busy:>7.1f} "
            f"{busy / elapsed:>6.1%} {share:>6.1%}  "
            f"{'ok' if share <= TARGET_SHARE else 'MISSED'}"
        )
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100000])
