"""`genesys policy check` and the apply gate, end to end with the local provider."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

VIOLATING = """provider: local
resources:
  storage:
    - name: public-b
      type: bucket
      public_access: true
      encryption: true
      tags: {Team: a}
    - name: plain
      type: bucket
      tags: {Team: a}
    - name: untagged
      type: bucket
      encryption: true
policies:
  - no_public_buckets: true
  - require_encryption: true
  - require_tags: {value: [Team], enforcement: mandatory}
  - max_cost_per_month: 10
"""
FIXED = (VIOLATING.replace("public_access: true", "public_access: false")
         .replace("      tags: {Team: a}\n    - name: untagged",
                  "      encryption: true\n      tags: {Team: a}\n    - name: untagged")
         .replace("      encryption: true\npolicies", "      encryption: true\n"
                  "      tags: {Team: b}\npolicies"))
ADDRESSES = ("storage.public-b", "storage.plain", "storage.untagged")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_names_every_violation_and_exits_1(workdir, genesys):
    (workdir / "genesys.yaml").write_text(VIOLATING)
    code, out, _ = genesys("policy", "check")
    assert code == 1
    for address in ADDRESSES:
        assert f"[mandatory] {address}" in out
    assert "at genesys.yaml:4:7" in out  # relative to the working directory
    assert out.splitlines()[-1] == "7 passed, 3 failed (3 mandatory, 0 advisory)"


def test_fixed_config_passes(workdir, genesys):
    (workdir / "genesys.yaml").write_text(FIXED)
    code, out, _ = genesys("policy", "check")
    assert code == 0, out
    assert out.splitlines()[-1] == "10 passed, 0 failed"


def test_machine_outputs_go_to_a_file_with_the_summary_printed(workdir, genesys):
    (workdir / "genesys.yaml").write_text(VIOLATING)
    code, out, _ = genesys("policy", "check", "--output", "sarif", "--out-file", "p.sarif")
    assert code == 1 and out.strip() == "7 passed, 3 failed (3 mandatory, 0 advisory)"
    results = json.loads((workdir / "p.sarif").read_text())["runs"][0]["results"]
    located = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]:
               r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert located == dict.fromkeys(ADDRESSES, "genesys.yaml")
    code, out, _ = genesys("policy", "check", "-o", "junit")
    assert ET.fromstring(out).get("failures") == "3"
    code, out, _ = genesys("policy", "check", "-o", "json")
    assert {r["address"] for r in json.loads(out)["results"] if r["status"] == "failed"} == \
        set(ADDRESSES)


def test_advisory_violations_warn_and_exit_0(workdir, genesys):
    advisory = VIOLATING.replace("- require_tags: {value: [Team], enforcement: mandatory}",
                                 "- require_tags: {value: [Team], enforcement: advisory}")
    (workdir / "genesys.yaml").write_text(
        advisory.replace("public_access: true", "public_access: false")
        .replace("    - name: plain\n      type: bucket\n",
                 "    - name: plain\n      type: bucket\n      encryption: true\n"))
    code, out, _ = genesys("policy", "check")
    assert code == 0
    assert "WARN require_tags [advisory] storage.untagged" in out


def test_apply_refuses_mandatory_violations_before_touching_anything(workdir, genesys):
    (workdir / "genesys.yaml").write_text(VIOLATING)
    code, out, err = genesys("apply", "--auto-approve")
    assert code == 1
    for address in ADDRESSES:
        assert address in out + err
    assert genesys("state", "list")[1].strip() == ""

    (workdir / "genesys.yaml").write_text(FIXED)
    code, out, err = genesys("apply", "--auto-approve")
    assert code == 0, err
    assert sorted(genesys("state", "list")[1].split()) == sorted(ADDRESSES)
    assert genesys("destroy", "--auto-approve")[0] == 0


WAIVED = """provider: local
resources:
  storage:
    - name: site
      type: bucket
      public_access: true
      encryption: true
      tags: {Team: web}
      policy_overrides:
        no_public_buckets: "public downloads, approved in SEC-123"
policies:
  - no_public_buckets: true
"""


def test_a_waiver_in_the_config_is_reported_with_its_reason_and_lets_apply_go(workdir, genesys):
    (workdir / "genesys.yaml").write_text(WAIVED)
    code, out, _ = genesys("policy", "check")
    assert code == 0
    assert "WAIVED no_public_buckets storage.site" in out
    assert "reason: public downloads, approved in SEC-123" in out
    code, out, err = genesys("apply", "--auto-approve")
    assert code == 0, err
    assert "1 added" in out


def test_a_waiver_of_an_unknown_policy_is_a_located_config_error(workdir, genesys):
    typo = WAIVED.replace('no_public_buckets: "', 'no_public_bucket: "')
    (workdir / "genesys.yaml").write_text(typo)
    code, _, err = genesys("policy", "check")
    assert code == 1
    assert "genesys.yaml:10:9:" in err and "did you mean 'no_public_buckets'" in err


def test_plan_shows_violations_and_says_apply_would_refuse(workdir, genesys):
    (workdir / "genesys.yaml").write_text(VIOLATING)
    code, out, _ = genesys("plan")
    assert code == 0  # a plan is information; apply is the gate
    assert "FAIL no_public_buckets [mandatory] storage.public-b" in out
    assert "`genesys apply` will refuse this plan: 3 mandatory policy violations" in out
