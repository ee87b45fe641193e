"""`genesys plan`: show what apply would change."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.workflow import add_run_arguments

    parser = sub.add_parser(
        "plan",
        help="show what apply would change",
        description="Reads every recorded resource back from the provider (unless "
        "--refresh false), compares it with the config and shows what `genesys apply` would "
        "create, change, replace or destroy, with costs and policy results. Changes nothing. "
        "Exit code 0, or with --detailed-exitcode 0 (no changes), 2 (changes), 1 (error).",
    )
    add_run_arguments(parser)
    parser.add_argument("--out", metavar="FILE", help="save the plan for `genesys apply FILE`")
    parser.add_argument("--destroy", action="store_true", help="plan destroying everything")
    parser.add_argument(
        "--provider",
        metavar="NAME",
        help="plan the config on another provider (its `providers.NAME` settings and "
        "`overrides.NAME`) against a fresh, empty state: what a move there would create. "
        "The configured provider's state is not read or touched; such a plan is never applied",
    )
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when nothing changes, 2 when something would, 1 on error",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.cli import workflow
    from genesys.plugins.early import EarlyStart

    path = workflow.config_path(args)
    if not args.provider:  # the plugin starts while the engine and config modules import
        EarlyStart.begin_now(path)
    from genesys.engine.session import Session

    options = workflow.run_options(args, destroy=args.destroy)
    _check_other_provider(args)
    with Session.open(path, operation="plan", lock=False, provider=args.provider) as session:
        plan = session.plan(options)
        if args.provider and not args.json:
            print(f"Planned on provider {args.provider} from a fresh, empty state (the "
                  "configured provider's state is untouched; this plan is never applied).\n")
        _show_overrides(session, as_json=args.json)
        workflow.print_plan(session, plan, args.json)
        if plan.has_changes and not plan.destroy:
            _show_policies(session, plan, as_json=args.json)
        if args.out:
            workflow.save_plan(Path(args.out), plan, path, args.target)
            print(f"\nSaved the plan to: {args.out}\nTo apply it: genesys apply {args.out}")
    if args.detailed_exitcode and plan.has_changes:
        return workflow.EXIT_CHANGES
    return workflow.EXIT_OK


def _show_policies(session: Any, plan: Any, *, as_json: bool) -> None:
    """The plan shows the policy report; a plan that apply would refuse says so."""
    from genesys.policy import show_policy_report
    from genesys.policy.formats import violations_summary

    report = show_policy_report(session, plan, as_json=as_json)
    if report.blocking and not as_json:
        print(f"\nNote: `genesys apply` will refuse this plan: {violations_summary(report)}.")


def _show_overrides(session: Any, *, as_json: bool) -> None:
    """Which `overrides.<provider>` blocks shaped this plan (they apply only here)."""
    from genesys.config.overrides import applied_overrides

    lines = applied_overrides(session.config, session.config.provider_name)
    if lines and not as_json:
        print("\n".join(lines) + "\n")


def _check_other_provider(args: argparse.Namespace) -> None:
    from genesys.errors import GenesysError

    if not args.provider:
        return
    if args.out or args.destroy:
        flag = "--out" if args.out else "--destroy"
        raise GenesysError(f"plan --provider shows what a move would create; it cannot be "
                           f"combined with {flag} (such a plan is never applied)")
