"""`genesys destroy`: delete everything the state records."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.workflow import add_run_arguments

    parser = sub.add_parser("destroy", help="destroy everything this config manages")
    add_run_arguments(parser)
    parser.add_argument("--auto-approve", action="store_true", help="skip the approval prompt")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.cli.commands.apply import apply_or_destroy

    return apply_or_destroy(args, destroy=True)
