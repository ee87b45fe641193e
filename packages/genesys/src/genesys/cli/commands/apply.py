"""`genesys apply [PLANFILE]`: make the infrastructure match the config."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.workflow import add_run_arguments

    parser = sub.add_parser(
        "apply",
        help="create or update infrastructure",
        description="Plans as `genesys plan` does, asks for approval (a literal `yes`; "
        "--auto-approve skips it), then creates, updates, replaces and destroys resources so "
        "that what exists matches the config, recording each step in the state. With "
        "PLANFILE, applies a plan saved by `genesys plan --out` (no prompt), refusing it if "
        "the state or config changed since.",
    )
    add_run_arguments(parser)
    parser.add_argument("plan_file", nargs="?", help="a plan saved by `genesys plan --out`")
    parser.add_argument("--auto-approve", action="store_true", help="skip the approval prompt")
    parser.set_defaults(func=run, destroy=False)


def run(args: argparse.Namespace) -> int:
    return apply_or_destroy(args, destroy=args.destroy)


def apply_or_destroy(args: argparse.Namespace, *, destroy: bool) -> int:
    from genesys.cli import workflow
    from genesys.errors import GenesysError
    from genesys.plugins.early import EarlyStart

    saved = (
        workflow.load_saved_plan(Path(args.plan_file)) if getattr(args, "plan_file", None) else None
    )
    path = Path(saved["config"]) if saved and not args.config else workflow.config_path(args)
    EarlyStart.begin_now(path)  # the plugin starts while the engine and config modules import
    from genesys.engine.session import Session

    if saved:
        destroy = bool(saved["destroy"])
        if args.target and sorted(args.target) != sorted(saved.get("targets") or []):
            raise GenesysError(
                f"{args.plan_file} was planned with --target "
                f"{' '.join(saved.get('targets') or []) or '(none)'}: apply it without --target"
            )
        args.target = list(saved.get("targets") or [])
    options = workflow.run_options(args, destroy=destroy)
    with Session.open(path, operation="destroy" if destroy else "apply") as session:
        plan = session.plan(options)
        if saved:
            workflow.check_saved_plan(saved, plan, Path(args.plan_file))
        workflow.print_plan(session, plan, args.json)
        if not plan.has_changes:
            session.state.set_outputs(session.compute_outputs())
            if not destroy:
                workflow.print_outputs(session, args.json)
            return workflow.EXIT_OK
        if not destroy:
            from genesys.policy import enforce_on_apply

            enforce_on_apply(session, plan, as_json=args.json)
        verb = "destroy all resources" if destroy else "perform these actions"
        if not saved and not workflow.confirm(args, f"Do you want to {verb}?"):
            print(f"\n{'Destroy' if destroy else 'Apply'} cancelled.")
            return workflow.EXIT_ERROR
        return workflow.execute(session, plan, args, options)
