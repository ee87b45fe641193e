"""`genesys output [NAME]`: show values recorded by the last apply."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.common import add_config_arg

    parser = sub.add_parser("output", help="show output values from state")
    add_config_arg(parser)
    parser.add_argument("name", nargs="?", help="one output (its raw value is printed)")
    parser.add_argument(
        "--json", action="store_true", help="all outputs as JSON (sensitive masked)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.cli.commands.state import stored_passphrase
    from genesys.cli.workflow import config_path
    from genesys.engine.outputs import SENSITIVE, render_outputs
    from genesys.engine.state_backend import backend_for_config
    from genesys.errors import GenesysError
    from genesys.state import StateManager

    with backend_for_config(config_path(args)) as backend:
        passphrase = stored_passphrase(backend)
        with StateManager.open(
            backend, operation="output", lock=False, passphrase=passphrase
        ) as manager:
            outputs = manager.outputs or {}
    if args.name:
        if args.name not in outputs:
            raise GenesysError(
                f"no output named {args.name!r} (have: {', '.join(sorted(outputs)) or 'none'})"
            )
        entry = outputs[args.name]
        value = entry.get("value")
        print(value if isinstance(value, str) else json.dumps(value))
        return 0
    if args.json:
        masked = {
            k: {
                "sensitive": v.get("sensitive", False),
                "value": SENSITIVE if v.get("sensitive") else v.get("value"),
            }
            for k, v in outputs.items()
        }
        print(json.dumps(masked, indent=2))
    else:
        print(render_outputs(outputs) or "No outputs.")
    return 0
