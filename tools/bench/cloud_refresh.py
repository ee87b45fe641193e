"""What the per-cloud refresh benchmarks share: recorded instances and one timed engine refresh.

Each `<cloud>_refresh.py` makes its instances through the cloud's SDK against
`genesys-emulator <cloud>`, then times the core's own `planner.refresh` of them through the
real plugin process, the work `genesys plan` does before diffing.
"""

from __future__ import annotations

import time
from typing import Any


def instance_records(provider: str, ids: list[str]) -> dict[str, Any]:
    """State records of `ids` as instances of `provider`, addressed compute.bench[i]."""
    from genesys.state.records import ResourceRecord

    return {
        f"compute.bench[{i}]": ResourceRecord(
            address=f"compute.bench[{i}]",
            kind="instance",
            provider=provider,
            id=ident,
            attributes={},
        )
        for i, ident in enumerate(ids)
    }


def time_instance_refresh(provider: str, configure: Any, ids: list[str]) -> float:
    """Seconds the engine takes to refresh `ids` through the plugin, after a warm-up refresh
    (clients made, SDK imported); every instance must come back running."""
    from genesys.engine import planner
    from genesys.plugins import launch_plugin

    records = instance_records(provider, ids)
    with launch_plugin(provider) as conn:
        conn.provider.Configure(configure)
        planner.refresh(conn, dict(list(records.items())[:10]))
        started = time.perf_counter()
        result = planner.refresh(conn, records)
        elapsed = time.perf_counter() - started
    assert not result.gone and not result.errors, (
        len(result.gone),
        list(result.errors.items())[:3],
    )
    states = {r.attributes.get("state") for r in result.records.values()}
    assert states == {"running"}, states
    return elapsed
