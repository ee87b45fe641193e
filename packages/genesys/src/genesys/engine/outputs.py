"""Outputs: named values computed from state after apply (`genesys output`)."""

from __future__ import annotations

import json
from typing import Any

from genesys.engine.references import references_in, resolve

SENSITIVE = "<sensitive>"


def evaluate_outputs(config: Any, state: Any, identity: dict[str, str]) -> dict[str, Any]:
    """{name: {"value": ..., "sensitive": bool}} from the config's `outputs:` block."""

    def lookup(address: str, attribute: str) -> Any:
        if not address:
            return identity.get(attribute, "")
        record = state.resources.get(address)
        return None if record is None else record.attributes.get(attribute)

    outputs: dict[str, Any] = {}
    for name, spec in (getattr(config, "outputs", None) or {}).items():
        value = spec.expression
        if any(r.address and r.address not in state.resources for r in references_in(value)):
            continue  # its resource is gone (destroyed): no stale endpoint is kept
        sensitive = bool(getattr(spec, "sensitive", False)) or _reads_sensitive(value, state)
        outputs[name] = {"value": resolve(value, lookup), "sensitive": sensitive}
    return outputs


def _reads_sensitive(value: Any, state: Any) -> bool:
    from genesys.config.desired import Ref, Template

    refs = (
        [value]
        if isinstance(value, Ref)
        else [p for p in getattr(value, "parts", ()) if isinstance(p, Ref)]
        if isinstance(value, Template)
        else []
    )
    for ref in refs:
        record = state.resources.get(ref.address)
        if record is not None and ref.attribute in record.sensitive:
            return True
    return False


def render_outputs(outputs: dict[str, Any], *, reveal: bool = False) -> str:
    lines = []
    for name, entry in sorted(outputs.items()):
        shown = (
            SENSITIVE if entry.get("sensitive") and not reveal else json.dumps(entry.get("value"))
        )
        lines.append(f"{name} = {shown}")
    return "\n".join(lines)
