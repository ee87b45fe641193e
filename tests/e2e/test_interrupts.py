"""Stopping a run: Ctrl-C and SIGTERM in every phase, the forced second Ctrl-C, destroy's
words. Through the real CLI and the real local provider (its latency_ms keeps operations in
flight long enough to interrupt them)."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from .conftest import GENESYS, genesys_env, interrupts_as_in_a_terminal, run_genesys

N_BUCKETS = 12


def _config(latency_ms: int) -> str:
    lines = ["provider: local", "providers:", "  local:", f"    latency_ms: {latency_ms}"]
    lines += ["resources:", "  storage:"]
    for i in range(N_BUCKETS):
        lines += [f"    - name: bucket-{i}", "      type: bucket"]
    return "\n".join(lines) + "\n"


def _start(project: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*GENESYS, *args],
        cwd=project,
        env=genesys_env(),
        preexec_fn=interrupts_as_in_a_terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _wait_for_line(process: subprocess.Popen[str], text: str) -> None:
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while text not in process.stdout.readline():
        assert process.poll() is None, f"ended before printing {text!r}"
        assert time.monotonic() < deadline, f"no {text!r} in 60 s"


def _has_children(pid: int) -> bool:
    """Whether any thread of `pid` started a process: the CLI starts its plugin on a thread
    while the config loads, and /proc lists children per thread."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "children").read_text().split():
                return True
        except OSError:  # the thread ended meanwhile
            continue
    return False


def _wait_for_plugin(process: subprocess.Popen[str]) -> None:
    """Until the CLI has started its plugin (then its signal handlers are in place)."""
    deadline = time.monotonic() + 60
    while not _has_children(process.pid):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # handshake and Configure; the refresh that follows takes seconds


def _finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    try:
        return process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _state(project: Path):
    from genesys.state import LocalBackend, StateManager, local_state_directory

    backend = LocalBackend(local_state_directory(project / "genesys.yaml"))
    return backend, StateManager.open(backend, operation="test", lock=False)


def _recorded_and_unlocked(project: Path) -> set[str]:
    backend, state = _state(project)
    try:
        assert backend.read_lock() is None, "the interrupted run left its lock"
        assert not state.intents, f"left in flight: {sorted(state.intents)}"
        return set(state.resources)
    finally:
        state.close()


def _buckets_on_disk(project: Path) -> set[str]:
    root = project / ".genesys" / "local" / "buckets"
    return {p.name for p in root.iterdir()} if root.exists() else set()


def test_sigterm_during_apply_finishes_in_flight_work_records_it_and_exits_130(
    tmp_path: Path,
) -> None:
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=600))
    apply = _start(tmp_path, "apply", "--auto-approve", "--parallelism", "2")
    _wait_for_line(apply, "Creating...")
    apply.send_signal(signal.SIGTERM)
    out, err = _finish(apply)

    assert apply.returncode == 130, out + err
    assert "SIGTERM received: stopping the apply" in out + err
    assert "Apply interrupted: operations in flight finished and were recorded." in err
    assert "Traceback" not in err
    recorded = _recorded_and_unlocked(tmp_path)
    assert 1 <= len(recorded) < N_BUCKETS  # the in-flight creates finished, nothing new began
    assert len(_buckets_on_disk(tmp_path)) == len(recorded)  # and each was recorded


def test_sigterm_or_ctrl_c_before_apply_changes_anything_exits_130(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=0))
    made = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=6000))  # a slow refresh
    for command, sig in (
        (("apply", "--auto-approve"), signal.SIGTERM),
        (("plan",), signal.SIGTERM),
        (("plan",), signal.SIGINT),
        (("destroy", "--auto-approve"), signal.SIGINT),
    ):
        run = _start(tmp_path, *command)
        _wait_for_plugin(run)
        run.send_signal(sig)
        started = time.monotonic()
        out, err = _finish(run)
        assert run.returncode == 130, (command, out, err)
        assert f"Interrupted: genesys {command[0]} stopped." in err, err
        assert "Traceback" not in err and "Plan:" not in out
        assert time.monotonic() - started < 30
        assert len(_recorded_and_unlocked(tmp_path)) == N_BUCKETS


def test_interrupted_destroy_says_destroy_and_exits_130(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=0))
    made = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=600))
    destroy = _start(tmp_path, "destroy", "--auto-approve", "--parallelism", "2")
    _wait_for_line(destroy, "Destroying...")
    destroy.send_signal(signal.SIGINT)
    out, err = _finish(destroy)

    assert destroy.returncode == 130, out + err
    assert "Interrupt received: stopping the destroy" in out + err
    assert "Destroy interrupted: operations in flight finished and were recorded." in err
    assert "Destroy incomplete!" in err and "Apply" not in err
    left = _recorded_and_unlocked(tmp_path)
    assert 0 < len(left) < N_BUCKETS
    assert len(_buckets_on_disk(tmp_path)) == len(left)


def test_a_second_ctrl_c_within_seconds_exits_at_once_and_the_next_run_converges(
    tmp_path: Path,
) -> None:
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=8000))
    apply = _start(tmp_path, "apply", "--auto-approve", "--parallelism", "2")
    _wait_for_line(apply, "Creating...")
    apply.send_signal(signal.SIGINT)
    # the first was handled (two signals before the handler runs count as one)
    _wait_for_line(apply, "Interrupt received")
    apply.send_signal(signal.SIGINT)
    started = time.monotonic()
    out, err = _finish(apply)

    assert apply.returncode == 130, out + err
    assert time.monotonic() - started < 5  # did not wait for the 8 s creates in flight
    assert "Second interrupt: the apply stops now" in err
    assert "Traceback" not in err
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=0))
    converged = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert converged.returncode == 0, converged.stdout + converged.stderr
    assert f"Took over the lock of pid {apply.pid}" in converged.stderr
    assert len(_recorded_and_unlocked(tmp_path)) == N_BUCKETS
    assert len(_buckets_on_disk(tmp_path)) == N_BUCKETS
