"""`genesys import ADDR ID`: Terraform's word for `genesys adopt` (a module cannot be named
`import`, hence import_cmd)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.commands import adopt

    parser = sub.add_parser("import", help="same as `adopt`: " + adopt.HELP,
                            description=adopt.DESCRIPTION)
    adopt.add_arguments(parser)
