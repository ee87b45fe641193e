"""`genesys graph`: the config's dependency graph as Mermaid, DOT or SVG.

    graph = build_graph(expand(config), actions={"compute.web[0]": "create", ...})
    print(to_mermaid(graph))       # renders in Markdown on code-hosting sites
    print(to_dot(graph))           # Graphviz
    svg = to_svg(graph)            # needs Graphviz's `dot` on PATH

Arrows point from a resource to the resources that depend on it (the order of creation).
Resources an outcome expands to are drawn as one group named after the outcome. With a plan,
each node says what will happen to it (create, update, replace, destroy), in colour.
"""

from __future__ import annotations

from genesys.graph.model import Graph, Node, build_graph
from genesys.graph.render import GraphvizMissing, to_dot, to_mermaid, to_svg

__all__ = ["Graph", "GraphvizMissing", "Node", "build_graph", "to_dot", "to_mermaid", "to_svg"]
