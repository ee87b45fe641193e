"""`genesys provider test NAME-OR-EXECUTABLE`: run the conformance kit against one plugin."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("provider", help="work with one provider plugin (conformance tests)")
    actions = parser.add_subparsers(dest="provider_command", metavar="SUBCOMMAND")
    test = actions.add_parser(
        "test",
        help="run the conformance checks against a provider plugin",
        description="Starts the plugin over the real protocol and runs language-neutral "
        "checks: handshake, metadata, schema, CRUD for every declared kind, idempotency, "
        "error mapping, batch read, discover and adopt. Everything it creates is deleted. "
        "Exit code 0 only when every check passes.",
    )
    test.add_argument("target", help="provider name (e.g. local) or path to a plugin executable")
    test.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="provider setting passed to Configure (repeatable; VALUE may be JSON)",
    )
    test.add_argument("--region", default="", help="region passed to Configure")
    test.add_argument("--project", default="", help="project passed to Configure")
    test.add_argument(
        "--endpoint",
        action="append",
        default=[],
        metavar="SERVICE=URL",
        help="per-service endpoint override passed to Configure (repeatable)",
    )
    test.add_argument(
        "--timeout", type=float, default=120.0, help="seconds allowed per call (default 120)"
    )
    test.add_argument("--json", action="store_true", help="NDJSON: one object per check")
    parser.set_defaults(func=run, provider_parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.provider_command != "test":
        args.provider_parser.print_help()
        return 1
    from genesys.conformance import run_conformance

    printer = _json_line if args.json else _text_printer()
    report = run_conformance(
        args.target,
        settings=dict(parse_pair(text, "--setting", json_value=True) for text in args.setting),
        region=args.region,
        project=args.project,
        endpoints=dict(parse_pair(text, "--endpoint") for text in args.endpoint),
        call_timeout_s=args.timeout,
        on_result=printer,
    )
    if args.json:
        print(json.dumps({"type": "summary", "passed": report.passed, "failed": report.failed}))
    else:
        print(report.summary())
    return 0 if report.ok else 1


def parse_pair(text: str, flag: str, json_value: bool = False) -> tuple[str, Any]:
    """`key=value` -> (key, value); with json_value, `port=5000` gives the int 5000."""
    from genesys.errors import GenesysError

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise GenesysError(f"{flag} wants KEY=VALUE, got {text!r}")
    if json_value:
        try:
            return key.strip(), json.loads(value)
        except ValueError:
            pass  # a plain string
    return key.strip(), value


def _json_line(result: Any) -> None:
    entry = {"type": "check", "name": result.name, "passed": result.passed}
    entry.update({"reason": result.reason, "duration_ms": result.duration_ms})
    print(json.dumps(entry), flush=True)


def _text_printer() -> Any:
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    def show(result: Any) -> None:
        line = result.line()
        if color:
            code = "32" if result.passed else "31"
            line = f"\033[{code}m{line[:4]}\033[0m{line[4:]}"
        print(line, flush=True)

    return show
