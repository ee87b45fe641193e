"""`genesys schema`: the JSON Schema of the config file, for editors and linters."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from genesys.cli.common import add_config_arg


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of the config file (for editors)",
        description="Prints a JSON Schema (draft 2020-12) describing genesys.yaml and "
        "genesys.toml. Point your editor's YAML/TOML language server at it.",
    )
    add_config_arg(parser)
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.config.jsonschema import config_schema
    from genesys.errors import GenesysError

    text = json.dumps(config_schema(), indent=2) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text)
        except OSError as err:
            raise GenesysError(f"cannot write {args.output}: {err.strerror or err}") from None
    else:
        print(text, end="")
    return 0
