"""`genesys state list|show|rm|mv|pull|push`: inspect and repair recorded state.

Reading subcommands (list, show, pull) do not take the lock; changing ones (rm, mv, push)
do, and fail at once naming the holder when another run has it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PASSPHRASE_ENV = "GENESYS_STATE_PASSPHRASE"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("state", help="inspect and change recorded state")
    actions = parser.add_subparsers(dest="state_command", metavar="SUBCOMMAND")
    parser.set_defaults(func=run, state_help=parser.format_help)

    listing = actions.add_parser("list", help="list the addresses of resources in state")
    listing.add_argument("addresses", nargs="*", help="only these addresses (or prefixes)")
    show = actions.add_parser("show", help="show one resource's recorded attributes")
    show.add_argument("address")
    remove = actions.add_parser("rm", help="stop managing resources (they are not destroyed)")
    remove.add_argument("addresses", nargs="+", metavar="ADDRESS")
    move = actions.add_parser("mv", help="rename a resource's address in state")
    move.add_argument("source", metavar="SOURCE")
    move.add_argument("target", metavar="TARGET")
    actions.add_parser("pull", help="print the whole state as JSON (secrets included)")
    push = actions.add_parser("push", help="replace the state with a snapshot file")
    push.add_argument("file", metavar="FILE", help='snapshot JSON file ("-" reads stdin)')
    push.add_argument(
        "--force", action="store_true", help="replace even another lineage or a lower serial"
    )
    for action in (listing, show, remove, move, actions.choices["pull"], push):
        add_config_argument(action)
        action.set_defaults(func=run)


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    try:
        from genesys.cli.common import add_config_arg
    except ModuleNotFoundError:  # the shared helper is not there yet
        parser.add_argument("-c", "--config", help="config file (default: found from here)")
        return
    add_config_arg(parser)


def run(args: argparse.Namespace) -> int:
    handlers = {
        "list": _list,
        "show": _show,
        "rm": _remove,
        "mv": _move,
        "pull": _pull,
        "push": _push,
    }
    handler = handlers.get(getattr(args, "state_command", None) or "")
    if handler is None:
        print(args.state_help(), file=sys.stderr)
        return 1
    return handler(args)


# ---------------------------------------------------------------- subcommands


def _list(args: argparse.Namespace) -> int:
    with open_manager(args, "state list", lock=False) as state:
        for address in sorted(state.resources):
            if not args.addresses or any(_matches(address, a) for a in args.addresses):
                print(address)
        _note_intents(state.intents)
    return 0


def _show(args: argparse.Namespace) -> int:
    from genesys.errors import StateError

    with open_manager(args, "state show", lock=False) as state:
        record = state.resources.get(args.address)
        if record is None:
            raise StateError(f"no resource {args.address} in the state{_suggest(args, state)}")
        print(render_record(record))
        intent = state.intents.get(args.address)
        if intent is not None:
            print(f"\n# {intent.operation} in flight since {_when(intent.started)}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from genesys.errors import StateError

    with open_manager(args, "state rm", lock=True) as state:
        missing = [a for a in args.addresses if a not in state.resources]
        if missing:
            raise StateError(f"not in the state: {', '.join(missing)} (nothing was removed)")
        for address in dict.fromkeys(args.addresses):
            state.remove(address)
            print(f"Removed {address}")
        count = len(dict.fromkeys(args.addresses))
    print(
        f"Successfully removed {count} resource(s) from state; they still exist but "
        "Genesys no longer manages them."
    )
    return 0


def _move(args: argparse.Namespace) -> int:
    with open_manager(args, "state mv", lock=True) as state:
        state.move(args.source, args.target)
    print(f'Moved "{args.source}" to "{args.target}".')
    return 0


def _pull(args: argparse.Namespace) -> int:
    with open_manager(args, "state pull", lock=False) as state:
        data = state.snapshot_bytes()
    sys.stdout.write(data.decode("utf-8") + "\n")
    return 0


def _push(args: argparse.Namespace) -> int:
    from genesys.errors import StateError

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as err:
        raise StateError(f"cannot read {args.file}: {err.strerror}") from None
    with open_manager(args, "state push", lock=True) as state:
        state.replace_from(data, force=args.force)
        serial = state.serial
    print(f"State replaced from {args.file} (serial {serial}).")
    return 0


# ---------------------------------------------------------------- helpers


@contextlib.contextmanager
def open_manager(args: argparse.Namespace, operation: str, *, lock: bool) -> Iterator[Any]:
    """The StateManager of the config the arguments name, in its backend (local or remote)."""
    from genesys.engine.state_backend import backend_for_config
    from genesys.state import StateManager

    with backend_for_config(config_path(args)) as backend:
        passphrase = stored_passphrase(backend)
        with StateManager.open(
            backend, operation=operation, lock=lock, passphrase=passphrase
        ) as manager:
            yield manager


def stored_passphrase(backend: Any) -> str | None:
    """Only an already encrypted state gets the passphrase: these commands never change
    whether state is encrypted (apply does, following the config's `state.encrypt`)."""
    import os

    from genesys.state.loader import stored_state_encrypted

    return os.environ.get(PASSPHRASE_ENV) if stored_state_encrypted(backend) else None


def config_path(args: argparse.Namespace) -> Path | None:
    """The config file named by -c, else the one found from here, else None (use cwd)."""
    if getattr(args, "config", None):
        return Path(args.config)
    from genesys.errors import GenesysError

    try:
        from genesys.cli.common import find_config
    except ModuleNotFoundError:
        return None
    try:
        found = find_config(Path.cwd())
    except GenesysError:
        from genesys.state.locate import local_state_directory

        if local_state_directory(None).is_dir():  # no config here: the state beside us
            return None
        raise  # neither a config nor a state: an error, as every other command says
    return Path(found) if found else None


def render_record(record: Any) -> str:
    lines = [
        f"# {record.address}",
        f"kind         = {json.dumps(record.kind)}",
        f"provider     = {json.dumps(record.provider)}",
        f"id           = {json.dumps(record.id)}",
    ]
    if record.dependencies:
        lines.append(f"dependencies = {json.dumps(record.dependencies)}")
    attributes = record.masked_attributes()
    if attributes:
        width = max(len(name) for name in attributes)
        lines.append("")
        lines.append("attributes:")
        for name in sorted(attributes):
            lines.append(f"  {name.ljust(width)} = {_value(attributes[name])}")
    return "\n".join(lines)


def _value(value: Any) -> str:
    from genesys.state import SENSITIVE_MASK

    if value == SENSITIVE_MASK:
        return SENSITIVE_MASK
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _matches(address: str, wanted: str) -> bool:
    return address == wanted or address.startswith((f"{wanted}.", f"{wanted}["))


def _note_intents(intents: dict[str, Any]) -> None:
    if intents:
        names = ", ".join(f"{a} ({i.operation})" for a, i in sorted(intents.items()))
        print(
            f"Note: operations were in flight when the last run stopped: {names}. "
            "The next apply resolves them.",
            file=sys.stderr,
        )


def _suggest(args: argparse.Namespace, state: Any) -> str:
    import difflib

    close = difflib.get_close_matches(args.address, list(state.resources), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _when(timestamp: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
