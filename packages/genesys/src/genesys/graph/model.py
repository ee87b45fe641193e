"""The graph drawn by `genesys graph`: resources, their dependencies, outcome groups, actions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OUTCOME_PREFIX = "outcome "
# What a saved plan's actions become in the picture ("delete" is shown as destroy).
ACTION_NAMES = {
    "create": "create",
    "update": "update",
    "replace": "replace",
    "delete": "destroy",
    "no-op": "",
}


@dataclass(frozen=True)
class Node:
    """One resource: its address, kind, the outcome it came from, and its planned action."""

    address: str
    kind: str
    outcome: str = ""  # the outcome's name, "" for a resource declared directly
    action: str = ""  # create | update | replace | destroy | "" (no change, or no plan)


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (dependency, dependent)

    def outcomes(self) -> list[str]:
        """Outcome names in the order their first resource appears."""
        return list(dict.fromkeys(n.outcome for n in self.nodes if n.outcome))


def build_graph(desired: Iterable[Any], actions: Mapping[str, str] | None = None) -> Graph:
    """The graph of `desired` (DesiredResource-like: address, kind, depends_on, origin).

    `actions` (address -> a saved plan's action) adds what the plan will do; addresses it
    names that the config no longer has are drawn as resources to destroy.
    """
    desired = list(desired)
    actions = dict(actions or {})
    graph = Graph()
    known: set[str] = set()
    for resource in desired:
        origin = getattr(resource, "origin", "") or ""
        outcome = origin[len(OUTCOME_PREFIX) :] if origin.startswith(OUTCOME_PREFIX) else ""
        action = ACTION_NAMES.get(actions.get(resource.address, ""), "")
        graph.nodes.append(Node(resource.address, resource.kind, outcome, action))
        known.add(resource.address)
    for resource in desired:
        for dependency in sorted(resource.depends_on):
            if dependency in known:
                graph.edges.append((dependency, resource.address))
    for address, action in actions.items():
        if address not in known:  # in state, gone from the config
            graph.nodes.append(Node(address, _kind_of(address), "", ACTION_NAMES.get(action, "")))
    return graph


def _kind_of(address: str) -> str:
    """A destroyed resource's kind is not in the config; its address still hints at it."""
    return address.split(".")[0].split("[")[0]
