"""`genesys invoke NAME --payload JSON`: run a deployed function once."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    from genesys.cli.common import add_config_arg

    parser = sub.add_parser("invoke", help="invoke a deployed function")
    add_config_arg(parser)
    parser.add_argument("name", help="function name or address (serverless.NAME)")
    parser.add_argument("--payload", default="{}", help="JSON payload (default {})")
    parser.set_defaults(func=run)


def _find_function(records: dict[str, Any], name: str) -> Any:
    from genesys.errors import GenesysError

    for address in (name, f"serverless.{name}"):
        record = records.get(address)
        if record is not None and record.kind == "function":
            return record
    named = [
        r for r in records.values() if r.kind == "function" and r.attributes.get("name") == name
    ]
    if len(named) == 1:  # e.g. the api outcome's function, by the name the config gave it
        return named[0]
    functions = sorted(a for a, r in records.items() if r.kind == "function")
    raise GenesysError(
        f"no deployed function {name!r} (deployed: {', '.join(functions) or 'none'})"
    )


def run(args: argparse.Namespace) -> int:
    from genesys.cli.workflow import config_path
    from genesys.engine.session import Session
    from genesys.errors import GenesysError
    from genesys.provider.v1 import serverless_pb2
    from genesys_plugin_sdk import errors as perr

    try:
        payload = json.dumps(json.loads(args.payload)).encode()
    except ValueError as err:
        raise GenesysError(f"--payload is not valid JSON: {err}") from None
    with Session.open(config_path(args), operation="invoke", lock=False) as session:
        record = _find_function(session.state.resources, args.name)
        request = serverless_pb2.InvokeFunctionRequest(
            id=record.id, private=record.private, payload=payload
        )
        try:
            response = session.conn.serverless.InvokeFunction(request)
        except perr.ProviderError as err:
            raise GenesysError(f"{record.address}: {err}") from None
    if response.logs:
        print(response.logs.rstrip(), file=sys.stderr)
    if response.function_error:
        print(f"Error: function failed: {response.function_error}", file=sys.stderr)
        return 1
    print(response.payload.decode() if response.payload else "null")
    return 0
