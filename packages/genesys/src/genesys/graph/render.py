"""Mermaid, DOT and SVG renderings of a `Graph`.

Node labels carry the action's symbol too (`+ create`, `~ update`, `-/+ replace`,
`- destroy`), so a plan reads correctly where colours do not render.
"""

from __future__ import annotations

import shutil
import subprocess

from genesys.errors import GenesysError
from genesys.graph.model import Graph, Node

# action -> (symbol, fill, stroke): green create, amber update, orange replace, red destroy.
STYLES = {
    "create": ("+", "#dafbe1", "#1a7f37"),
    "update": ("~", "#fff8c5", "#9a6700"),
    "replace": ("-/+", "#ffe2cc", "#bc4c00"),
    "destroy": ("-", "#ffebe9", "#cf222e"),
}
PLAIN = ("", "#ffffff", "#57606a")


class GraphvizMissing(GenesysError):
    """SVG was asked for but Graphviz's `dot` is not installed."""


def _label(node: Node) -> str:
    symbol = STYLES.get(node.action, PLAIN)[0]
    head = f"{symbol} {node.address}" if symbol else node.address
    return f"{head}\n{node.kind}" + (f" ({node.action})" if node.action else "")


# ---------------------------------------------------------------------- Mermaid


def to_mermaid(graph: Graph) -> str:
    ids = {node.address: f"n{index}" for index, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for group, outcome in enumerate(graph.outcomes()):
        lines.append(f'  subgraph g{group}["outcome {_mermaid_text(outcome)}"]')
        lines += [f"    {_mermaid_node(ids, n)}" for n in graph.nodes if n.outcome == outcome]
        lines.append("  end")
    lines += [f"  {_mermaid_node(ids, n)}" for n in graph.nodes if not n.outcome]
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in graph.edges]
    used = sorted({n.action for n in graph.nodes if n.action})
    for action in used:
        _, fill, stroke = STYLES[action]
        lines.append(f"  classDef {action} fill:{fill},stroke:{stroke},color:#1f2328")
        members = ",".join(ids[n.address] for n in graph.nodes if n.action == action)
        lines.append(f"  class {members} {action}")
    return "\n".join(lines) + "\n"


def _mermaid_node(ids: dict[str, str], node: Node) -> str:
    return f'{ids[node.address]}["{_mermaid_text(_label(node))}"]'


def _mermaid_text(text: str) -> str:
    # Inside "...": a quote ends the label and a newline the statement; entities are safe.
    return text.replace('"', "#quot;").replace("\n", "<br/>")


# ---------------------------------------------------------------------- DOT


def to_dot(graph: Graph) -> str:
    lines = [
        "digraph genesys {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
    ]
    for group, outcome in enumerate(graph.outcomes()):
        lines += [
            f"  subgraph cluster_{group} {{",
            f"    label={_dot_text('outcome ' + outcome)};",
            '    style="rounded,dashed";',
        ]
        lines += [f"    {_dot_node(n)}" for n in graph.nodes if n.outcome == outcome]
        lines.append("  }")
    lines += [f"  {_dot_node(n)}" for n in graph.nodes if not n.outcome]
    lines += [f"  {_dot_text(a)} -> {_dot_text(b)};" for a, b in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(node: Node) -> str:
    _, fill, stroke = STYLES.get(node.action, PLAIN)
    return (
        f"{_dot_text(node.address)} [label={_dot_text(_label(node))}, "
        f'fillcolor="{fill}", color="{stroke}"];'
    )


def _dot_text(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


# ---------------------------------------------------------------------- SVG


def to_svg(graph: Graph, timeout_s: float = 60.0) -> str:
    """The DOT rendering laid out by Graphviz's `dot` (GraphvizMissing when not installed)."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing(
            "SVG needs Graphviz's `dot`, which is not installed (e.g. `apt-get install "
            "graphviz` or `brew install graphviz`); --format mermaid and --format dot need "
            "nothing"
        )
    done = subprocess.run(
        [dot, "-Tsvg"], input=to_dot(graph), capture_output=True, text=True, timeout=timeout_s
    )
    if done.returncode != 0:
        raise GenesysError(f"Graphviz's dot failed: {done.stderr.strip() or done.returncode}")
    return done.stdout
