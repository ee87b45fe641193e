"""`genesys cost`: monthly cost of the config, per resource, and its change against state."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.common import add_config_arg

    parser = sub.add_parser(
        "cost",
        help="estimate the monthly cost of the config and its change",
        description="Prices every resource the config declares (and what state records) from "
        "the provider plugin's shipped price tables; no network needed. JSON output follows "
        "Infracost's format (totalMonthlyCost, pastTotalMonthlyCost, diffTotalMonthlyCost).",
    )
    add_config_arg(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="table (default) or Infracost-style json")
    parser.add_argument("--out-file", metavar="FILE", help="write the estimate to FILE")
    parser.add_argument("--refresh", default="true", choices=["true", "false"],
                        help="read recorded resources back from the provider first (default true)")
    parser.add_argument("--compare", metavar="PROVIDERS",
                        help="price the config as written on each of these providers side by "
                        "side (aws,gcp,azure,alibaba,tencent, any subset; `all`: every "
                        "installed cloud plugin); offline, no credentials, no state")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.cli.common import config_path, display_path
    from genesys.cost import estimate_plan, format_cost, price_tables
    from genesys.engine.session import RunOptions, Session

    path = config_path(args)
    if args.compare:
        return _compare(args, path)
    with Session.open(path, operation="cost", lock=False) as session:
        plan = session.plan(RunOptions(refresh=args.refresh == "true"))
        for note in session.notes:
            print(note, file=sys.stderr)
        report = estimate_plan(session.conn, plan, config_name=display_path(path),
                               prices=price_tables(session.conn))
    text = format_cost(report, args.format)
    if args.out_file:
        Path(args.out_file).write_text(text + "\n", encoding="utf-8")
        print(f"Wrote the estimate to {args.out_file}: "
              f"${report.total_monthly:,.2f}/month ({report.diff_total_monthly:+,.2f})")
    else:
        print(text)
    return 0


def _compare(args: argparse.Namespace, path: Path) -> int:
    """Each provider's translation and monthly cost of the config, side by side."""
    from genesys.cli.common import display_path
    from genesys.config import load_config
    from genesys.cost.compare import compare, compare_names
    from genesys.cost.compare_formats import format_comparison

    names = compare_names(args.compare)
    comparison = compare(load_config(path), names, config_name=display_path(path))
    text = format_comparison(comparison, args.format)
    if args.out_file:
        Path(args.out_file).write_text(text + "\n", encoding="utf-8")
        print(f"Wrote the comparison of {', '.join(names)} to {args.out_file}")
    else:
        print(text)
    return 0
