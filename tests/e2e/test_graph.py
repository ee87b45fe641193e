"""`genesys graph` through the real CLI: the seed's graph as Mermaid, DOT and SVG (Graphviz),
outcomes drawn as groups, and a saved plan's actions on the local provider, coloured."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .conftest import genesys_env, run_genesys

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"

SMALL = """\
provider: local
providers:
  local:
    latency_ms: 0
resources:
  network:
    - name: main
      cidr: 10.0.0.0/16
      tags: {team: a}
      subnets:
        - name: web
          cidr: 10.0.1.0/24
  storage:
    - name: data
      type: bucket
"""


def _copy_seed(tmp_path: Path) -> Path:
    shutil.copy(SEED / "genesys.yaml", tmp_path / "genesys.yaml")
    return tmp_path


def _mermaid_nodes(text: str) -> dict[str, str]:
    """node id -> label, from lines like `n3["compute.web-server[0]<br/>instance"]`."""
    return dict(re.findall(r'^\s*(n\d+)\["(.*)"\]$', text, flags=re.M))


def test_the_seed_as_mermaid_groups_outcomes_and_draws_dependencies(tmp_path: Path) -> None:
    result = run_genesys("graph", cwd=_copy_seed(tmp_path))

    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("flowchart LR\n")
    nodes = {label.split("<br/>")[0]: node for node, label in _mermaid_nodes(text).items()}
    assert len(nodes) == 14  # 3 instances, network, 2 subnets, sg, bucket, db, fn + outcomes
    static_site = text.split('subgraph g0["outcome static-site"]\n')[1].split("  end\n")[0]
    assert {line.strip().split("[")[0] for line in static_site.splitlines()} == {
        nodes["outcome.static-site.bucket"],
        nodes["outcome.static-site.certificate"],
        nodes["outcome.static-site.cdn"],
    }
    assert 'subgraph g1["outcome api"]' in text
    edges = set(re.findall(r"^\s*(n\d+) --> (n\d+)$", text, flags=re.M))
    assert (nodes["network.main-vpc"], nodes["network.main-vpc.subnet.public"]) in edges
    assert (nodes["database.app-db"], nodes["serverless.api-handler"]) in edges
    assert (nodes["outcome.static-site.bucket"], nodes["outcome.static-site.cdn"]) in edges
    assert "classDef" not in text  # no plan: nothing coloured
    assert (tmp_path / "genesys.yaml").exists() and len(list(tmp_path.iterdir())) == 1


def test_the_seed_renders_as_svg_with_graphviz(tmp_path: Path) -> None:
    result = run_genesys("graph", "-o", "seed.svg", cwd=_copy_seed(tmp_path))

    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "seed.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert svg.count('class="node"') == 14
    assert svg.count('class="cluster"') == 2  # the two outcomes
    assert "outcome static&#45;site" in svg or "outcome static-site" in svg
    assert "Wrote seed.svg (svg, 14 resources)." in result.stderr

    dot = run_genesys("graph", "--format", "dot", cwd=tmp_path)
    assert dot.stdout.startswith("digraph genesys {")
    assert '"network.main-vpc" -> "network.main-vpc.subnet.public";' in dot.stdout


def test_svg_without_graphviz_is_one_clear_error(tmp_path: Path) -> None:
    import sys

    env = genesys_env(PATH=str(Path(sys.executable).parent))  # the venv, without `dot`
    result = run_genesys("graph", "--format", "svg", cwd=_copy_seed(tmp_path), env=env)

    assert result.returncode == 1
    assert "Graphviz's `dot`, which is not installed" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_saved_plan_colours_create_update_replace_and_destroy(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(SMALL)
    assert run_genesys("plan", "--out", "first.plan", cwd=tmp_path).returncode == 0

    first = run_genesys("graph", "--plan", "first.plan", "-o", "graph.md", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    markdown = (tmp_path / "graph.md").read_text()
    assert markdown.startswith("```mermaid\nflowchart LR\n") and markdown.endswith("```\n")
    labels = _mermaid_nodes(markdown).values()
    assert sorted(label.split("<br/>")[0] for label in labels) == [
        "+ network.main",
        "+ network.main.subnet.web",
        "+ storage.data",
    ]
    assert re.search(r"^  class n0,n1,n2 create$", markdown, flags=re.M)

    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    changed = SMALL.replace("team: a", "team: b").replace("10.0.1.0/24", "10.0.2.0/24")
    (tmp_path / "genesys.yaml").write_text(changed.split("  storage:")[0])
    assert run_genesys("plan", "--out", "second.plan", cwd=tmp_path).returncode == 0

    second = run_genesys("graph", "--plan", "second.plan", "--format", "dot", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    dot = second.stdout
    assert '"network.main" [label="~ network.main\\nnetwork (update)", fillcolor="#fff8c5"' in dot
    assert "-/+ network.main.subnet.web\\nsubnet (replace)" in dot
    assert '"storage.data" [label="- storage.data\\nstorage (destroy)"' in dot


def test_a_plan_saved_for_another_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(SMALL)
    assert run_genesys("plan", "--out", "p.plan", cwd=tmp_path).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "genesys.yaml").write_text(SMALL)

    result = run_genesys("graph", "--plan", str(tmp_path / "p.plan"), cwd=other)

    assert result.returncode == 1
    assert "was made for" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_config_is_one_located_error(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(SMALL.replace("cidr: 10.0.0.0/16", "cidrr: x"))

    result = run_genesys("graph", cwd=tmp_path)

    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: genesys.yaml:")
    assert "cidrr" in result.stderr and "Traceback" not in result.stderr
