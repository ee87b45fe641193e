"""`genesys force-unlock ID`: release a state lock that a crashed or killed run left behind."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.commands.state import add_config_argument

    parser = sub.add_parser(
        "force-unlock", help="release a state lock left behind by a run that is gone"
    )
    add_config_argument(parser)
    parser.add_argument("lock_id", metavar="ID", help="the lock ID the locked-state error names")
    parser.add_argument("-f", "--force", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.cli.commands.state import config_path
    from genesys.engine.state_backend import backend_for_config
    from genesys.state import force_unlock

    with backend_for_config(config_path(args)) as backend:
        if not args.force and not _confirmed(backend, args.lock_id):
            print("force-unlock cancelled.", file=sys.stderr)
            return 1
        force_unlock(backend, args.lock_id)
    print(f"The state lock {args.lock_id} was released.")
    return 0


def _confirmed(backend: object, lock_id: str) -> bool:
    """Only a literal `yes` at a terminal confirms; with no terminal, refuse."""
    from genesys.errors import GenesysError

    if sys.stdin is None or not sys.stdin.isatty():
        raise GenesysError(
            "no terminal to ask for confirmation: rerun with --force to release the lock"
        )
    read_lock = getattr(backend, "read_lock", None)
    holder = read_lock() if read_lock else None
    held_by = f"\n  It is held by {holder.describe()}." if holder else ""
    print(
        f"\nRelease the state lock {lock_id}?{held_by}\n"
        "  Only do this if that run is no longer working on this state.\n"
        "  Only 'yes' will be accepted to confirm.\n"
    )
    try:
        answer = input("  Enter a value: ")
    except EOFError:
        answer = ""
    return answer.strip() == "yes"
