"""`genesys graph`: the config's dependency graph (Mermaid, DOT or SVG), with a saved plan's
actions when given one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from genesys.cli.common import add_config_arg, config_display_name

FORMATS = ("mermaid", "dot", "svg")
BY_SUFFIX = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".md": "mermaid"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "graph",
        help="draw the config's dependency graph (Mermaid, DOT or SVG)",
        description="Draws every resource of the config and what it depends on; resources an "
        "outcome expands to are grouped under the outcome. With --plan (a file saved by "
        "`genesys plan --out`), each resource shows what the plan will do to it: create, "
        "update, replace or destroy, coloured. Mermaid (the default) renders in Markdown on "
        "code-hosting sites; SVG needs Graphviz's `dot`. Reads no state and starts no provider.",
    )
    add_config_arg(parser)
    parser.add_argument("--plan", metavar="FILE", help="a plan saved by `genesys plan --out`")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="mermaid (default), dot or svg; by default taken from --output's suffix",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here instead of stdout (.md wraps the Mermaid in a ```mermaid block)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from genesys.config import expand, load_config
    from genesys.graph import build_graph, to_dot, to_mermaid, to_svg

    config_path = Path(config_display_name(args))
    actions = _plan_actions(Path(args.plan), config_path) if args.plan else None
    graph = build_graph(expand(load_config(config_path)), actions)
    output = Path(args.output) if args.output else None
    fmt = args.format or (BY_SUFFIX.get(output.suffix.lower(), "mermaid") if output else "mermaid")
    text = {"mermaid": to_mermaid, "dot": to_dot, "svg": to_svg}[fmt](graph)
    if output is not None and output.suffix.lower() == ".md" and fmt == "mermaid":
        text = f"```mermaid\n{text}```\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text)
        print(f"Wrote {output} ({fmt}, {len(graph.nodes)} resources).", file=sys.stderr)
    return 0


def _plan_actions(plan_path: Path, config_path: Path) -> dict[str, str]:
    from genesys.cli.workflow import load_saved_plan
    from genesys.errors import GenesysError

    saved = load_saved_plan(plan_path)
    made_for = Path(saved.get("config", ""))
    if made_for.resolve() != config_path.resolve():
        raise GenesysError(
            f"saved plan {plan_path} was made for {made_for}, not {config_path}; "
            f"pass -c {made_for} or plan again"
        )
    return dict(saved.get("actions", {}))
