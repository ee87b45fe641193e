"""`genesys validate`: check a config and report every problem, each with its location."""

from __future__ import annotations

import argparse
import json
import sys

from genesys.cli.common import add_config_arg, config_display_name


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "validate",
        help="check a config file and report every problem",
        description="Checks the config (syntax, keys, types, references, cycles), then asks "
        "the provider's plugin to check every resource (offline: no credentials needed). "
        "Exit code 0 when valid, 1 otherwise.",
    )
    add_config_arg(parser)
    parser.add_argument(
        "--json", action="store_true", help="print the diagnostics as one JSON object"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.config import inspect_config

    inspection = inspect_config(config_display_name(args))
    diagnostics, note = inspection.diagnostics, ""
    if inspection.config is not None:
        from genesys.config import expand
        from genesys.engine.provider_checks import provider_diagnostics

        found, note = provider_diagnostics(inspection.config, expand(inspection.config))
        diagnostics = diagnostics + found
    errors = [d for d in diagnostics if d.severity == "error"]
    warnings = [d for d in diagnostics if d.severity == "warning"]
    if args.json:
        report = {
            "valid": not errors,
            "error_count": len(errors),
            "warning_count": len(warnings),
            "resource_count": len(inspection.addresses),
            "diagnostics": [d.to_json() for d in diagnostics],
        }
        if note:
            report["note"] = note
        print(json.dumps(report))
        return 1 if errors else 0
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    if note:
        print(f"Note: {note}", file=sys.stderr)
    if errors:
        print(
            f"{_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}.", file=sys.stderr
        )
        return 1
    counted = f", {_count(len(warnings), 'warning')}" if warnings else ""
    print(
        f"Success! The configuration is valid "
        f"({_count(len(inspection.addresses), 'resource')}{counted})."
    )
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
