"""`genesys invoke NAME --payload JSON`: run a deployed function once.

A THROTTLED answer is retried (paced by the provider's gate, for up to
INVOKE_THROTTLE_SECONDS): a throttled invoke never ran. UNAVAILABLE is not: the protocol
does not say whether the function ran before the provider failed, and an invoke is not
idempotent, so running it twice is worse than a clear error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

INVOKE_THROTTLE_SECONDS = 300.0


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

    try:
        payload = json.dumps(json.loads(args.payload)).encode()
    except ValueError as err:
        raise GenesysError(f"--payload is not valid JSON: {err}") from None
    with Session.open(config_path(args), operation="invoke", lock=False) as session:
        record = _find_function(session.state.resources, args.name)
        response = invoke_function(session, record, payload, on_throttle=_note_throttle)
    if response.logs:
        print(response.logs.rstrip(), file=sys.stderr)
    if response.function_error:
        print(f"Error: function failed: {response.function_error}", file=sys.stderr)
        return 1
    print(response.payload.decode() if response.payload else "null")
    return 0


def invoke_function(
    session: Any,
    record: Any,
    payload: bytes,
    on_throttle: Callable[[str, float], None] | None = None,
    throttle_seconds: float = INVOKE_THROTTLE_SECONDS,
) -> Any:
    """One InvokeFunction through `session`'s plugin, throttles retried for up to
    `throttle_seconds` (see the module doc); `on_throttle(address, pause)` hears of the
    noteworthy ones. Errors name the address."""
    from genesys.engine.executor import RetryDeadlineExceeded, call_with_retries, gate_for
    from genesys.errors import GenesysError
    from genesys.provider.v1 import serverless_pb2
    from genesys_plugin_sdk import errors as perr

    request = serverless_pb2.InvokeFunctionRequest(
        id=record.id, private=record.private, payload=payload
    )

    def noted(error: BaseException, pause: float) -> None:
        if on_throttle is not None:
            on_throttle(record.address, pause)

    try:
        return call_with_retries(
            lambda: session.conn.serverless.InvokeFunction(request),
            on_retry=noted,
            gate=gate_for(session.conn),
            deadline=time.monotonic() + throttle_seconds,
            retry_on=(perr.Throttled,),
        )
    except (perr.ProviderError, RetryDeadlineExceeded) as err:
        raise GenesysError(f"{record.address}: {err}") from None


def _note_throttle(address: str, pause: float) -> None:
    print(f"{address}: throttled by the provider; retrying in {pause:.1f}s", file=sys.stderr)
