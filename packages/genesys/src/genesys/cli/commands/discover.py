"""`genesys discover`: list what exists in the account/region that the state does not manage."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.common import add_config_arg

    parser = sub.add_parser(
        "discover",
        help="list existing resources Genesys does not manage",
        description="Streams every resource the provider can see in the configured account and "
        "region, leaves out those the state manages, and shows each with its abstract "
        "translation (a t3.medium shows as medium) and the command that adopts it.",
    )
    add_config_arg(parser)
    parser.add_argument("--kind", action="append", default=[], metavar="KIND",
                        help="only these kinds (instance, bucket, ... or compute, storage, "
                        "serverless); repeatable or comma-separated")
    parser.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                        help="provider filter passed to discovery, e.g. tag:Team=web")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(func=run)


def _filters(pairs: list[str]) -> dict[str, str]:
    from genesys.errors import GenesysError

    filters = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise GenesysError(f"--filter {pair!r}: expected KEY=VALUE")
        filters[key] = value
    return filters


def run(args: argparse.Namespace) -> int:
    from genesys.cli.common import config_path
    from genesys.discovery import discover, render_discovered, select_kinds
    from genesys.engine.session import Session

    kinds = select_kinds(args.kind)  # a typo fails before any plugin starts
    filters = _filters(args.filter)
    skipped: dict[str, list[str]] = {}  # why -> kinds
    found = []
    with Session.open(config_path(args), operation="discover", lock=False) as session:
        stream = discover(session.conn, session.state.resources.values(), kinds, filters=filters,
                          on_skip=lambda kind, why: skipped.setdefault(why, []).append(kind))
        state_bucket = _state_bucket(session)
        for resource in stream:
            if resource.kind == "bucket" and resource.id == state_bucket:
                continue  # holds Genesys's own state: never a resource to adopt
            if args.json:
                print(json.dumps(resource.to_json(), sort_keys=True), flush=True)
            else:
                found.append(resource)
    _report_skipped(skipped, filters, len(kinds))
    if not args.json:
        print(render_discovered(found))
    return 0


def _state_bucket(session: Any) -> str:
    from genesys.engine.state_backend import state_block

    block = state_block(session.config, session.identity)
    return str(block.get("bucket") or "") if block.get("backend") != "local" else ""


def _report_skipped(skipped: dict[str, list[str]], filters: dict[str, str], asked: int) -> None:
    """A filter no kind understands is the user's mistake; otherwise skipped kinds are notes."""
    from genesys.errors import GenesysError

    rejected = [why for why in skipped if why.startswith("filter not supported")]
    if filters and rejected and sum(len(skipped[w]) for w in rejected) == asked:
        raise GenesysError(f"--filter was refused by every kind: {rejected[0]}")
    for why, kinds in skipped.items():
        print(f"Skipped {', '.join(kinds)}: {why}", file=sys.stderr)
