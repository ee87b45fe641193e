"""`genesys providers list` and `genesys providers schema NAME`: what is installed, and how a
provider translates abstract values (sizes, images), which attributes force replacement, and
its shipped price table."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("providers", help="list installed provider plugins, show their schema")
    actions = parser.add_subparsers(dest="providers_command", metavar="SUBCOMMAND")
    listing = actions.add_parser(
        "list",
        help="list installed provider plugins",
        description="Lists plugins declared as entry points (group genesys.providers) and "
        "genesys-provider-* executables on PATH. Nothing is started unless --versions is given.",
    )
    listing.add_argument(
        "--versions",
        action="store_true",
        help="start each plugin to ask its version, protocol and resource kinds",
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    schema = actions.add_parser(
        "schema",
        help="show a provider's translation tables, attribute facts and prices",
    )
    schema.add_argument("name", help="provider name (e.g. local) or path to a plugin executable")
    schema.add_argument("--json", action="store_true", help="the raw schema as JSON")
    parser.set_defaults(func=run, providers_parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.providers_command == "list":
        return _list(args)
    if args.providers_command == "schema":
        return _schema(args)
    args.providers_parser.print_help()
    return 1


def _list(args: argparse.Namespace) -> int:
    from genesys.conformance.catalog import describe_installed, installed_providers

    providers = installed_providers()
    if args.versions:
        describe_installed(providers)
    if args.json:
        print(json.dumps([_as_dict(p) for p in providers], indent=2))
        return 0
    if not providers:
        print(
            "No provider plugins found (entry points genesys.providers, genesys-provider-* "
            "on PATH)."
        )
        return 0
    rows = [_row(p, args.versions) for p in providers]
    header = ("NAME", "VERSION", "PROTOCOL", "KINDS") if args.versions else ("NAME", "SOURCE")
    _print_table([header, *rows])
    return 0


def _row(provider: Any, versions: bool) -> tuple[str, ...]:
    if not versions:
        return (provider.name, provider.source)
    if provider.error:
        return (provider.name, "?", "-", f"(cannot start: {provider.error})")
    kinds = ", ".join(provider.kinds) or "-"
    return (provider.name, provider.version, str(provider.protocol_version), kinds)


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        print("  ".join([*cells, row[-1]]).rstrip())


def _as_dict(provider: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {**asdict(provider), "source": provider.source}


def _schema(args: argparse.Namespace) -> int:
    from genesys.conformance.catalog import render_schema
    from genesys.errors import PluginError
    from genesys.plugins import launch_plugin
    from genesys.provider.v1 import provider_pb2
    from genesys_plugin_sdk.errors import ProviderError
    from google.protobuf.json_format import MessageToDict

    with launch_plugin(args.name) as conn:
        try:
            schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest(), timeout=30)
        except ProviderError as err:
            raise PluginError(f"provider {conn.name!r} GetSchema failed: {err}") from None
        meta = conn.metadata
    if args.json:
        document = {"metadata": MessageToDict(meta), "schema": MessageToDict(schema)}
        print(json.dumps(document, indent=2))
    else:
        print(render_schema(meta, schema))
    return 0
