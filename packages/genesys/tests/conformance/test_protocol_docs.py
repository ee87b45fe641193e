"""docs/plugin-protocol.md's rules (issue 15 item 11), checked against the code that makes
them true: the start-up order and a missing version list, the hand-encoded error trailer,
the `changed` and `unknown_attributes` formats, diffing of extra tags, and where users are
told how to see plugin logs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from genesys.cli.main import build_parser
from genesys.conformance.handshake_checks import clean_env
from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import protocol
from google.protobuf import any_pb2
from google.rpc import status_pb2

DOC = (Path(__file__).resolve().parents[4] / "docs" / "plugin-protocol.md").read_text()


def _start(plugin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, plugin],
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.PIPE,
    )


def test_a_missing_version_list_is_refused_without_a_stdout_line(memory_plugin: str) -> None:
    done = _start(memory_plugin, {protocol.MAGIC_COOKIE_KEY: protocol.MAGIC_COOKIE_VALUE})

    assert done.returncode == 1 and done.stdout == ""
    assert "GENESYS_PLUGIN_PROTOCOL_VERSIONS" in done.stderr
    assert "`GENESYS_PLUGIN_PROTOCOL_VERSIONS` **missing or empty** is a" in DOC


def test_the_cookie_is_checked_before_the_versions(memory_plugin: str) -> None:
    done = _start(memory_plugin, {protocol.PROTOCOL_VERSIONS_ENV: "99"})

    assert done.returncode == 1 and done.stdout == ""  # no unsupported-versions line
    assert "This binary is a plugin" in done.stderr
    order = DOC.index("1. **Cookie** first"), DOC.index("2. **Versions** next")
    assert order[0] < order[1] < DOC.index("3. **Client certificate** last")


def test_the_documented_error_trailer_bytes_are_what_protobuf_makes() -> None:
    detail = any_pb2.Any()
    detail.Pack(pb.ErrorDetail(kind=pb.ERROR_KIND_NOT_FOUND, message="gone"))
    encoded = status_pb2.Status(code=5, message="gone", details=[detail]).SerializeToString()

    documented = re.search(r"`(08 05 12 04 [^`]+)`", DOC, flags=re.S)
    assert documented is not None
    text = " ".join(documented.group(1).split())
    head, tail = text.split(" <the 51 bytes of the type URL> ")
    url = detail.type_url.encode()
    assert len(url) == 51
    assert encoded == bytes.fromhex(head) + url + bytes.fromhex(tail)


def test_changed_and_unknown_attributes_are_top_level_field_names() -> None:
    from genesys.config import DesiredResource, Ref
    from genesys.engine.plan import UNKNOWN, Action, AttributeChange, ResourceChange
    from genesys.engine.planner import plan_item

    desired = DesiredResource(
        "compute.web",
        "instance",
        {"name": "web", "subnet_id": Ref("network.main.subnet.a", "id"), "tags": {"a": "b"}},
    )
    after = {"name": "web", "subnet_id": UNKNOWN, "tags": {"a": "b", "c": "d"}}
    change = ResourceChange("compute.web", "instance", Action.CREATE, desired, None, after)
    change.attribute_changes = [AttributeChange("tags", {"a": "b"}, after["tags"])]

    item = plan_item(change)

    assert list(item.unknown_attributes) == ["subnet_id"]
    assert not item.desired.instance.subnet_id and not item.desired.instance.id
    assert change.changed_attributes == ["tags"]  # what Update<Kind>Request.changed gets
    assert "**top-level field names of the kind's `*Config`\nmessage**" in DOC


def test_extra_tags_are_a_difference_so_plugins_must_strip_their_own() -> None:
    from genesys.engine.planner import _same

    assert not _same({"team": "a"}, {"team": "a", "genesys-token": "t-1"})
    assert _same("", None) and _same(0, None) and _same([], None)
    assert "**Maps are compared whole, so extra tags are a difference.**" in DOC


def test_help_and_docs_say_how_to_see_plugin_logs() -> None:
    help_text = build_parser().format_help()

    assert "GENESYS_LOG=debug|info|warn|error" in help_text
    assert "GENESYS_PLUGIN_LOG_LEVEL" in help_text
    assert "`GENESYS_LOG=debug|info|warn|error`" in DOC
