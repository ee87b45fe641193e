"""What `plan`, `apply` and `destroy` share: options, the approval prompt, saved plans."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genesys.errors import GenesysError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a run stopped by Ctrl-C
# A second Ctrl-C (or SIGTERM) this soon after the first stops waiting for operations in
# flight; a later one only repeats how to force the exit (a stray key press must not).
FORCE_WINDOW_S = 5.0


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    from genesys.cli.common import add_config_arg

    add_config_arg(parser)
    parser.add_argument(
        "--refresh",
        default="true",
        choices=["true", "false"],
        help="read every recorded resource back from the provider first (default true)",
    )
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="ADDR",
        help="limit to this address and what it depends on (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output (NDJSON)")
    parser.add_argument(
        "--parallelism",
        type=_positive(int),
        default=None,
        help="operations at once (default: what the provider says it tolerates)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=1800.0,
        help="seconds one resource operation may take (default 1800)",
    )


def _positive(kind: type) -> Any:
    """An argparse type accepting only numbers above zero (`--parallelism 0` would hang)."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def run_options(args: argparse.Namespace, *, destroy: bool = False) -> Any:
    from genesys.engine.session import RunOptions

    return RunOptions(
        refresh=args.refresh == "true",
        targets=args.target,
        destroy=destroy,
        parallelism=args.parallelism,
        timeout=args.timeout,
    )


def config_path(args: argparse.Namespace) -> Path:
    from genesys.cli.common import find_config

    return Path(args.config) if getattr(args, "config", None) else find_config(Path.cwd())


def print_plan(session: Any, plan: Any, as_json: bool) -> None:
    from genesys.engine.render import plan_to_json, render_plan, use_color
    from genesys.redaction import redact

    for note in session.notes:  # recovery notes may quote what a provider said
        print(redact(note), file=sys.stderr)
    for warning in plan.warnings:  # "file:line:col: warning: ..." or "address: warning: ..."
        print(redact(warning), file=sys.stderr)
    if plan.warnings and not as_json:
        count = len(plan.warnings)
        print(f"{count} warning{'' if count == 1 else 's'}.", file=sys.stderr)
    if as_json:
        print(
            json.dumps({"type": "planned_changes", **plan_to_json(plan, session.facts.sensitive)})
        )
    else:
        print(render_plan(plan, session.facts.sensitive, color=use_color()))


def confirm(args: argparse.Namespace, question: str) -> bool:
    """Only a literal `yes` approves; without a terminal and without --auto-approve, refuse."""
    if getattr(args, "auto_approve", False):
        return True
    if sys.stdin is None or not sys.stdin.isatty():
        raise GenesysError(
            "no terminal to ask for approval: rerun with --auto-approve to apply without asking"
        )
    print(f"\n{question}\n  Only 'yes' will be accepted to approve.\n")
    try:
        answer = input("  Enter a value: ")
    except EOFError:
        answer = ""
    return answer.strip() == "yes"


def save_plan(path: Path, plan: Any, config: Path, targets: list[str]) -> None:
    payload = {
        "format_version": "1",
        "config": str(config.resolve()),
        "config_digest": plan.config_digest,
        "lineage": plan.lineage,
        "serial": plan.serial,
        "destroy": plan.destroy,
        "targets": list(targets),  # apply re-plans with them, so the actions match
        "actions": {c.address: c.action.value for c in plan.changes},
    }
    # Attribute values are deliberately not saved (apply re-plans and checks the actions
    # match), so the file holds no secret; still only the owner may read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(payload, indent=2) + "\n")


def load_saved_plan(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise GenesysError(f"cannot read saved plan {path}: {err}") from None
    if data.get("format_version") != "1":
        raise GenesysError(f"{path} is not a Genesys saved plan")
    return data


def check_saved_plan(saved: dict[str, Any], plan: Any, path: Path) -> None:
    """A saved plan applies only to the state and config it was made from."""
    # A state that did not exist yet has no lineage worth comparing: serial 0 says it all.
    same_lineage = saved["lineage"] == plan.lineage or saved["serial"] == plan.serial == 0
    if saved["serial"] != plan.serial or not same_lineage:
        raise GenesysError(
            f"saved plan {path} is stale: state changed since it was made "
            f"(serial {saved['serial']} then, {plan.serial} now); run `genesys plan` again"
        )
    if saved["config_digest"] != plan.config_digest:
        raise GenesysError(f"saved plan {path} is stale: the config changed since it was made")
    actions = {c.address: c.action.value for c in plan.changes}
    if actions != saved["actions"]:
        raise GenesysError(
            f"saved plan {path} no longer matches what exists; run `genesys plan` again"
        )


@contextlib.contextmanager
def _interrupt_sets(stop: threading.Event, progress: Any, what: str) -> Iterator[list[float]]:
    """Ctrl-C or SIGTERM stops new operations and lets those in flight finish and be
    recorded; a second one within FORCE_WINDOW_S exits at once. Yields the times of the
    interrupts received (empty: none; `stop` is also set by a plugin crash)."""
    last: list[float] = []

    def on_interrupt(signum: int, frame: Any) -> None:
        now = time.monotonic()
        if stop.is_set() and last and now - last[-1] <= FORCE_WINDOW_S:
            _force_exit(what)
        last.append(now)
        name = "SIGTERM" if signum == signal.SIGTERM else "Interrupt"
        stop.set()
        progress.note(
            f"{name} received: stopping the {what}, waiting for operations in flight to "
            f"finish and be recorded (interrupt again within {FORCE_WINDOW_S:g}s to exit "
            f"at once)..."
        )

    if threading.current_thread() is not threading.main_thread():
        yield last
        return
    previous = {sig: signal.signal(sig, on_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield last
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _force_exit(what: str) -> None:
    """Leaves at once. Every operation in flight has a durable intent, so the next run
    settles it, and takes over this process's lock (its pid will be gone)."""
    print(
        f"\nSecond interrupt: the {what} stops now without waiting for the operations in "
        f"flight. Their intents are recorded: the next run on this host takes over the state "
        f"lock and settles them.",
        file=sys.stderr,
        flush=True,
    )
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    os._exit(EXIT_INTERRUPTED)


def execute(session: Any, plan: Any, args: argparse.Namespace, options: Any) -> int:
    """Apply a plan, record outputs, print the summary; exit code for the CLI."""
    from genesys.engine.progress_tty import progress_for
    from genesys.redaction import redact

    stop = threading.Event()
    steps = plan.to_add + plan.to_change + plan.to_destroy  # a replace is two steps
    progress = progress_for(steps, json_lines=args.json)
    word = "Destroy" if plan.destroy else "Apply"
    with _interrupt_sets(stop, progress, word.lower()) as interrupts:
        result = session.apply(plan, progress, options, stop=stop)
    session.state.set_outputs(session.compute_outputs())  # a destroy drops what it destroyed
    counts = result.counts
    interrupted = bool(interrupts)  # not a stop for a crashed plugin: that is an error
    if result.errors or result.dag.skipped or interrupted:
        for message, addresses in result.grouped_errors():
            shown = redact(message)  # a provider's error may echo a secret it was sent
            print(f"Error: {', '.join(addresses)}: {shown}", file=sys.stderr)
        if interrupted:
            print(
                f"{word} interrupted: operations in flight finished and were recorded.",
                file=sys.stderr,
            )
        print(
            f"{word} incomplete! Resources: {counts['added']} added, {counts['changed']} "
            f"changed, {counts['destroyed']} destroyed; {len(result.dag.skipped)} not attempted.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED if interrupted else EXIT_ERROR
    print(
        f"\n{word} complete! Resources: {counts['added']} added, {counts['changed']} changed, "
        f"{counts['destroyed']} destroyed."
    )
    if not plan.destroy:
        print_outputs(session, args.json)
    return EXIT_OK


def print_outputs(session: Any, as_json: bool) -> None:
    """The outputs after an apply, changes or not (as Terraform prints them)."""
    from genesys.engine.outputs import SENSITIVE, render_outputs

    outputs = session.state.outputs or {}
    if as_json:
        shown = {k: SENSITIVE if v.get("sensitive") else v.get("value") for k, v in outputs.items()}
        print(json.dumps({"type": "outputs", "outputs": shown}))
        return
    text = render_outputs(outputs)
    if text:
        print("\nOutputs:\n\n" + text)
