"""What a provider cannot provide, said at plan time.

The planner calls `unsupported()` with the kinds (and outcomes) from the plugin's
`GetMetadata`; each resource of a kind the plugin lacks gets one located error that says
which piece is missing — for outcomes, which part of the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable

from genesys.config.desired import DesiredResource
from genesys.config.diagnostics import Diagnostic


def unsupported(
    resources: Iterable[DesiredResource],
    provider: str,
    kinds: Iterable[str],
    outcomes: Iterable[str] | None = None,
) -> list[Diagnostic]:
    """One error per resource the provider cannot create. `kinds` are KINDS keys
    ("cdn", "volume", ...); `outcomes` the outcome names the provider declares (None: do
    not check outcome names, only the kinds their pieces need)."""
    offered = set(kinds)
    offered_outcomes = set(outcomes) if outcomes is not None else None
    found: list[Diagnostic] = []
    for resource in resources:
        message = _problem(resource, provider, offered, offered_outcomes)
        if message is None:
            continue
        where = resource.location
        found.append(
            Diagnostic(
                where.file if where else "",
                where.line if where else 0,
                where.column if where else 0,
                _path_of(resource),
                message,
                hint=f"run `genesys providers schema {provider}` to see what it offers",
            )
        )
    return list(dict.fromkeys(found))


def _problem(
    resource: DesiredResource, provider: str, kinds: set[str], outcomes: set[str] | None
) -> str | None:
    outcome = _outcome_of(resource)
    if outcome and outcomes is not None and outcome not in outcomes:
        return f"provider '{provider}' cannot realise the {outcome} outcome"
    if resource.kind in kinds:
        return None
    what = f"a {resource.kind} ({resource.address})"
    if outcome:
        return f"the {outcome} outcome needs {what}, which provider '{provider}' cannot provide"
    return f"provider '{provider}' cannot provide {what}"


def _outcome_of(resource: DesiredResource) -> str | None:
    if resource.origin.startswith("outcome "):
        return resource.origin.removeprefix("outcome ")
    return None


def _path_of(resource: DesiredResource) -> str:
    outcome = _outcome_of(resource)
    return f"outcomes.{outcome}" if outcome else ""
