"""Discover, adopt (with a generated block) and destroy with the local provider: resources
forgotten by state show up, come back without a create, and are deleted by destroy."""

from __future__ import annotations

import json

import pytest

YAML = ("provider: local\nresources:\n  storage:\n    - name: keep-me\n      type: bucket\n"
        "      tags: {Team: x}\n")
TOML = ('provider = "local"\n\n[[resources.storage]]\nname = "keep-me"\ntype = "bucket"\n\n'
        '[resources.storage.tags]\nTeam = "x"\n')


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _plan_actions(genesys) -> dict[str, str]:
    code, out, err = genesys("plan", "--json")
    assert code == 0, err
    planned = next(d for d in map(json.loads, out.splitlines())
                   if d.get("type") == "planned_changes")
    return {c["address"]: c["action"] for c in planned["resource_changes"]}


@pytest.mark.parametrize(("name", "text"), [("genesys.yaml", YAML), ("genesys.toml", TOML)])
def test_forgotten_bucket_is_discovered_adopted_with_its_block_and_destroyed(
        workdir, genesys, name, text):
    config = workdir / name
    config.write_text(text)
    assert genesys("apply", "--auto-approve")[0] == 0
    assert genesys("state", "rm", "storage.keep-me")[0] == 0
    config.write_text(text.replace("keep-me", "other-one"))  # the block is gone too

    code, out, err = genesys("discover", "--kind", "storage", "--json")
    assert code == 0, err
    [found] = [json.loads(line) for line in out.splitlines()]
    assert (found["id"], found["suggested_address"]) == ("keep-me", "storage.keep-me")

    code, out, err = genesys("adopt", "storage.keep-me", "keep-me", "--generate-config")
    assert code == 0, err
    assert "keep-me" in config.read_text()
    assert _plan_actions(genesys) == {"storage.keep-me": "no-op", "storage.other-one": "create"}
    assert genesys("discover", "--kind", "bucket", "--json")[1] == ""

    bucket_dir = next(workdir.rglob("buckets/keep-me"))
    assert genesys("destroy", "--auto-approve")[0] == 0
    assert not bucket_dir.exists()


def test_adopting_a_managed_address_or_resource_is_refused(workdir, genesys):
    (workdir / "genesys.yaml").write_text(YAML + "    - name: twin\n      type: bucket\n")
    assert genesys("apply", "--auto-approve")[0] == 0
    code, _, err = genesys("adopt", "storage.keep-me", "keep-me")
    assert code == 1 and "storage.keep-me already manages bucket 'keep-me'" in err
    assert genesys("state", "rm", "storage.twin")[0] == 0
    code, _, err = genesys("adopt", "storage.twin", "keep-me")
    assert code == 1 and "already managed as storage.keep-me" in err
    code, _, err = genesys("discover", "--kind", "bukcet")
    assert code == 1 and "did you mean 'bucket'?" in err
    code, out, _ = genesys("discover", "--kind", "bucket", "--filter", "name=twin", "--json")
    assert code == 0 and json.loads(out)["id"] == "twin"
    code, _, err = genesys("discover", "--filter", "colour=blue")
    assert code == 1 and "--filter was refused by every kind" in err and "colour" in err
    assert genesys("adopt", "storage.twin", "twin")[0] == 0
    assert genesys("destroy", "--auto-approve")[0] == 0
