"""`genesys plan`: show what apply would change."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.workflow import add_run_arguments

    parser = sub.add_parser("plan", help="show what apply would change")
    add_run_arguments(parser)
    parser.add_argument("--out", metavar="FILE", help="save the plan for `genesys apply FILE`")
    parser.add_argument("--destroy", action="store_true", help="plan destroying everything")
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when nothing changes, 2 when something would, 1 on error",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.cli import workflow
    from genesys.engine.session import Session

    path = workflow.config_path(args)
    options = workflow.run_options(args, destroy=args.destroy)
    with Session.open(path, operation="plan", lock=False) as session:
        plan = session.plan(options)
        workflow.print_plan(session, plan, args.json)
        if args.out:
            workflow.save_plan(Path(args.out), plan, path)
            print(f"\nSaved the plan to: {args.out}\nTo apply it: genesys apply {args.out}")
    if args.detailed_exitcode and plan.has_changes:
        return workflow.EXIT_CHANGES
    return workflow.EXIT_OK
