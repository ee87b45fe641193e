"""`genesys policy check`: judge the plan against the config's policies, changing nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUTPUTS = ("cli", "json", "junit", "sarif")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("policy", help="check the plan against the config's policies")
    verbs = parser.add_subparsers(dest="policy_command", metavar="COMMAND")
    check = verbs.add_parser(
        "check",
        help="evaluate the policies on the plan (exit 1 on a mandatory violation)",
        description="Plans (read-only) and evaluates no_public_buckets, require_encryption, "
        "require_tags and max_cost_per_month on what the plan leaves in place. Exit 1 when a "
        "mandatory policy is violated; advisory violations only warn.",
    )
    add_check_arguments(check)
    check.set_defaults(func=run_check)
    parser.set_defaults(func=lambda args: _usage(parser))


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    from genesys.cli.common import add_config_arg

    add_config_arg(parser)
    parser.add_argument("--output", "-o", choices=OUTPUTS, default="cli",
                        help="report format (default cli)")
    parser.add_argument("--out-file", metavar="FILE",
                        help="write the report to FILE and print only the summary line")
    parser.add_argument("--refresh", default="true", choices=["true", "false"],
                        help="read recorded resources back from the provider first (default true)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 1


def run_check(args: argparse.Namespace) -> int:
    from genesys.cli.common import config_path
    from genesys.engine.session import RunOptions, Session
    from genesys.policy import check_session_plan, format_report

    with Session.open(config_path(args), operation="policy check", lock=False) as session:
        plan = session.plan(RunOptions(refresh=args.refresh == "true"))
        for note in session.notes:
            print(note, file=sys.stderr)
        report = check_session_plan(session, plan)
    text = format_report(report, args.output)
    if args.out_file:
        Path(args.out_file).write_text(text + "\n", encoding="utf-8")
        print(report.summary())
    else:
        print(text)
    return 1 if report.blocking else 0
