"""Checking `${...}` references, turning them into Ref/Template values and dependency
edges, and finding reference cycles.

References are checked where they were written (every string of the config, with its
path), so each error points at the exact key; attributes a kind exposes come from
`genesys.kinds.KINDS[kind].exported_attributes`, the one place that defines them.
"""

from __future__ import annotations

import itertools
from typing import Any

from genesys.config.build import Build
from genesys.config.desired import Ref, Template
from genesys.config.diagnostics import Path, did_you_mean
from genesys.config.refs import COUNT_INDEX, parse_value, refs_in, tokenize
from genesys.config.vocab import IDENTITY_ATTRIBUTES, SENSITIVE_ATTRIBUTES
from genesys.kinds import KINDS

LITERAL_HINT = "write $${ for a literal '${'"
Edge = tuple[str, str]
# Values that can hold no reference (str is not among them).
_SCALARS = (bool, int, float, type(None))


def check_references(build: Build, text: str | None = None) -> dict[Edge, Path]:
    """Reports bad references; returns each (from, to) edge with the path that made it.
    `text` is the model as JSON, when known: without a `$` in it there is nothing to do."""
    edges: dict[Edge, Path] = {}
    if text is not None and "$" not in text:
        return edges
    dump = build.cfg.model_dump(by_alias=True, exclude_unset=True)
    for section in ("resources", "outcomes", "outputs", "state", "providers"):
        found: list[tuple[Path, str]] = []
        _strings_with_dollar(dump.get(section), (section,), found)
        for path, text in found:
            _check_string(build, _as_written(build, path), text, edges)
    return edges


def _strings_with_dollar(value: Any, path: Path, found: list[tuple[Path, str]]) -> None:
    """Appends (path, text) of every string holding a `$`, in written order (the first
    path of an edge is the one a cycle error names)."""
    if isinstance(value, str):
        if "$" in value:
            found.append((path, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(item, _SCALARS):
                _strings_with_dollar(item, (*path, key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, _SCALARS):
                _strings_with_dollar(item, (*path, index), found)


def _as_written(build: Build, path: Path) -> Path:
    """`outputs.x.value` is written `outputs.x` in the shorthand form `x: "${...}"`."""
    if path[0] == "outputs" and len(path) == 3 and path not in build.cfg._positions:
        return path[:2]
    return path


def _check_string(build: Build, path: Path, text: str, edges: dict[Edge, Path]) -> None:
    parts, errors = tokenize(text)
    for error in errors:
        build.reporter.error(path, error, LITERAL_HINT)
    refs = [p for p in parts if isinstance(p, Ref)]
    if refs and path[0] == "providers":
        build.reporter.error(
            path,
            "references are not allowed in provider settings (they configure the "
            "provider before anything exists)",
            LITERAL_HINT,
        )
        return
    for ref in refs:
        if ref.address == "" or ref == COUNT_INDEX:
            _check_special(build, path, ref)
            continue
        if path[0] == "state":
            build.reporter.error(
                path,
                f"state settings may only use {_identities()}, not {ref}",
                "state is read before any resource exists",
            )
            continue
        kind = _check_target(build, path, ref)
        if kind and path[0] == "outputs":
            _check_output_sensitivity(build, path, ref, kind)
        for owner in _owners(build, path):
            edges.setdefault((owner, ref.address), path)


def _check_special(build: Build, path: Path, ref: Ref) -> None:
    if ref != COUNT_INDEX:
        return
    counted = (
        len(path) > 3
        and path[:2] == ("resources", "compute")
        and isinstance(path[2], int)
        and path[2] < len(build.cfg.resources.compute)
        and build.cfg.resources.compute[path[2]].count is not None
    )
    if not counted:
        build.reporter.error(
            path, "${count.index} is only defined inside a compute block that sets `count`"
        )


def _identities() -> str:
    return ", ".join(f"${{{a}}}" for a in IDENTITY_ATTRIBUTES)


def _check_target(build: Build, path: Path, ref: Ref) -> str | None:
    kind, error, hint = build.ns.check_address(ref.address)
    if error:
        build.reporter.error(path, f"{error} (in {ref})", hint)
        return None
    if kind is None:  # the target was dropped for its own errors
        return None
    exported = KINDS[kind].exported_attributes
    if ref.attribute not in exported:
        hint = did_you_mean(ref.attribute, exported) or "it has: " + ", ".join(sorted(exported))
        build.reporter.error(
            path, f"{ref.address} (a {kind}) has no attribute '{ref.attribute}'", hint
        )
        return None
    return kind


def _check_output_sensitivity(build: Build, path: Path, ref: Ref, kind: str) -> None:
    name = path[1]
    output = build.cfg.outputs.get(str(name))
    if (kind, ref.attribute) in SENSITIVE_ATTRIBUTES and output and not output.sensitive:
        build.reporter.error(
            path,
            f"output '{name}' shows {ref}, which is sensitive",
            "add sensitive: true to the output",
        )


def _owners(build: Build, path: Path) -> list[str]:
    """Addresses built from the block that contains `path` (its longest owning prefix)."""
    for end in range(len(path), 0, -1):
        owners = build.owners.get(path[:end])
        if owners:
            return owners
    return []


# ---------------------------------------------------------------- attributes -> Refs


def link_attributes(build: Build) -> None:
    """Parses `${...}` strings in every resource's attributes into Ref/Template values and
    fills depends_on (explicit references and the implicit name links alike)."""
    for resource in build.resources:
        attributes: dict[str, Any] = {}
        sensitive: set[str] = set()
        for key, value in resource.attributes.items():
            if isinstance(value, _SCALARS) or (isinstance(value, str) and "$" not in value):
                attributes[key] = value  # the common case: nothing to parse or follow
                continue
            refs: list[Ref] = []
            attributes[key] = _parsed(value, refs)
            for ref in refs:
                if not ref.address or ref == COUNT_INDEX:
                    continue
                resource.depends_on.add(ref.address)
                if (build.ns.kind_of(ref.address), ref.attribute) in SENSITIVE_ATTRIBUTES:
                    sensitive.add(key)
        resource.attributes = attributes
        if sensitive:
            resource.sensitive = resource.sensitive | sensitive


def _parsed(value: Any, refs: list[Ref]) -> Any:
    """The value with `${...}` strings parsed (containers copied); appends every Ref in it
    (as `refs_in` would find them) to `refs`."""
    if isinstance(value, str):
        if "$" not in value:
            return value
        value = parse_value(value)
    if isinstance(value, dict):
        return {k: v if isinstance(v, _SCALARS) else _parsed(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [v if isinstance(v, _SCALARS) else _parsed(v, refs) for v in value]
    if isinstance(value, (Ref, Template, tuple)):
        refs.extend(refs_in(value))
    return value


# ---------------------------------------------------------------- cycles


def check_cycles(build: Build, edges: dict[Edge, Path]) -> None:
    """One error per strongly connected group of resources, naming one cycle in it."""
    depends = {r.address: r.depends_on for r in build.resources}
    # A resource that depends on nothing is in no cycle: leaving it out changes no result.
    graph = {address: sorted(d) for address, d in depends.items() if d}
    paths = {r.address: r for r in build.resources}
    for component in _strongly_connected(graph):
        cycle = _cycle_in(component, graph)
        if not cycle:
            continue
        where = next((edges[(a, b)] for a, b in itertools.pairwise(cycle) if (a, b) in edges), None)
        text = " -> ".join(cycle)
        if where is None:
            location = paths[cycle[0]].location
            where = _path_of(build, cycle[0]) if location else ()
        build.reporter.error(
            where,
            f"reference cycle: {text}",
            "a resource cannot depend on itself, directly or through others",
        )


def _path_of(build: Build, address: str) -> Path:
    for path, owners in build.owners.items():
        if address in owners:
            return path
    return ()


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (configs may hold thousands of resources)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = [s for s in graph[node] if s in graph]
            if child < len(successors):
                work.append((node, child + 1))
                nxt = successors[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _cycle_in(component: list[str], graph: dict[str, list[str]]) -> list[str]:
    """A concrete cycle inside a strongly connected component ([] when acyclic)."""
    members = set(component)
    start = min(component)
    if len(component) == 1 and start not in graph[start]:
        return []
    # Breadth-first from start back to start, staying inside the component.
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in graph[node]:
                if nxt == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(previous[chain[-1]])
                    return [*reversed(chain), start]
                if nxt in members and nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return []


def template_text(value: Any) -> str:
    """Human form of a value possibly holding Refs (for messages)."""
    if isinstance(value, (Ref, Template)):
        return str(value)
    return repr(value)
