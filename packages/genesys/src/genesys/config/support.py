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
        location = resource.location
        file, line, column = (location.file, location.line, location.column) if location else (
            "", 0, 0
        )
        outcome = resource.origin.removeprefix("outcome ") if resource.origin.startswith(
            "outcome "
        ) else None
        if outcome and offered_outcomes is not None and outcome not in offered_outcomes:
            message = f"provider '{provider}' cannot realise the {outcome} outcome"
        elif resource.kind not in offered:
            what = f"a {resource.kind} ({resource.address})"
            message = (
                f"the {outcome} outcome needs {what}, which provider '{provider}' cannot provide"
                if outcome
                else f"provider '{provider}' cannot provide {what}"
            )
        else:
            continue
        found.append(
            Diagnostic(file, line, column, _path_of(resource), message,
                       hint=f"run `genesys providers schema {provider}` to see what it offers")
        )
    return list(dict.fromkeys(found))


def _path_of(resource: DesiredResource) -> str:
    if resource.origin.startswith("outcome "):
        return "outcomes." + resource.origin.removeprefix("outcome ")
    return ""
