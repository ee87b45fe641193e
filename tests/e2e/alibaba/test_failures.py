"""Bad input on Alibaba: one clear error naming the resource, no traceback, nothing lost;
and throttling under `--faults throttle=0.3` never reaches the user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genesys_emulators.testing import running

from ..conftest import genesys_env
from .conftest import ACCESS_KEY, PASSPHRASE, AlibabaCli, Sdk
from .test_seed import SEED_ADDRESSES, check_instances, seed_yaml

SMALL = """\
provider: alibaba
region: us-east-1
resources:
  network:
    - name: main-vpc
      cidr: 10.0.0.0/16
      subnets:
        - name: public
          cidr: 10.0.1.0/24
          zone: {zone}
      security_groups:
        - name: web-sg
  compute:
    - name: web
      type: small
      provider_type: {instance_type}
      network: main-vpc
      subnet: public
      security_groups: [web-sg]
  storage:
    - name: keep-me
      type: bucket
"""


def _failed(run: Any) -> str:
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    return str(run.stderr)


def test_unknown_instance_type_is_one_located_error_and_the_rest_is_kept(
    cli: AlibabaCli, sdk: Sdk
) -> None:
    cli.write_yaml(SMALL.format(zone="us-east-1a", instance_type="ecs.nope.large"))
    error = _failed(cli("apply", "--auto-approve"))
    assert "compute.web" in error and "ecs.nope.large" in error, error
    assert error.count("InvalidInstanceType.NotFound") <= 1
    listed = cli("state", "list").stdout.split()
    assert "storage.keep-me" in listed and "network.main-vpc" in listed  # nothing lost
    assert "keep-me" in sdk.buckets()


def test_a_zone_the_region_does_not_offer_names_the_subnet(cli: AlibabaCli, sdk: Sdk) -> None:
    cli.write_yaml(SMALL.format(zone="us-east-1z", instance_type="ecs.t6-c1m1.large"))
    error = _failed(cli("apply", "--auto-approve"))
    assert "network.main-vpc.subnet.public" in error, error
    assert "us-east-1z" in error and "us-east-1a, us-east-1b" in error, error
    assert sdk.rpc("vpc", "DescribeVSwitches")["VSwitches"]["VSwitch"] == []


def test_no_credentials_is_one_clear_error(cli: AlibabaCli) -> None:
    cli.write_yaml(SMALL.format(zone="us-east-1a", instance_type="ecs.t6-c1m1.large"))
    env = {k: v for k, v in cli.env.items() if not k.startswith("ALIBABA_CLOUD_ACCESS_KEY")}
    bare = AlibabaCli(cli.project, env, cli.endpoints)
    error = _failed(bare("plan"))
    assert "no Alibaba Cloud credentials" in error and "ALIBABA_CLOUD_ACCESS_KEY_ID" in error, error


def test_seed_applies_under_throttling_without_showing_it(tmp_path: Path) -> None:
    with running("alibaba", faults="throttle=0.3,seed=7") as ready:
        project = tmp_path / "project"
        project.mkdir()
        env = genesys_env(
            ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY[0],
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY[1],
            GENESYS_STATE_PASSPHRASE=PASSPHRASE,
        )
        throttled = AlibabaCli(project, env, dict(ready["sdk"]))
        throttled.write_yaml(seed_yaml())
        applied = throttled("apply", "--auto-approve", timeout=600)
        assert applied.returncode == 0, applied.stdout[-3000:] + applied.stderr[-3000:]
        assert "Throttling" not in applied.stdout + applied.stderr
        assert f"Resources: {SEED_ADDRESSES} added" in applied.stdout
        check_instances(Sdk(ready), "ecs.t6-c1m2.large")
        destroyed = throttled("destroy", "--auto-approve", timeout=600)
        assert destroyed.returncode == 0, destroyed.stdout[-3000:] + destroyed.stderr[-3000:]
        assert "Throttling" not in destroyed.stdout + destroyed.stderr


TWO_GROUPS = """\
provider: alibaba
region: us-east-1
resources:
  network:
    - name: main-vpc
      cidr: 10.0.0.0/16
      subnets:
        - name: public
          cidr: 10.0.1.0/24
      security_groups:
        - name: web-sg
        - name: admin-sg
  compute:
    - name: web
      type: small
      network: main-vpc
      security_groups: [{groups}]
"""


def test_operation_conflict_mid_apply_is_retried_and_nothing_is_lost(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """Someone stops the instance while Genesys changes it: ECS answers OperationConflict
    (the instance is Stopping); the change is retried until ECS takes it."""
    monkeypatch.setenv("GENESYS_EMULATOR_ALIBABA_STEP", "8")  # Stopping lasts 8 s
    with running("alibaba") as ready:
        project = tmp_path / "project"
        project.mkdir()
        env = genesys_env(
            ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY[0],
            ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY[1],
            GENESYS_STATE_PASSPHRASE=PASSPHRASE,
        )
        cli = AlibabaCli(project, env, dict(ready["sdk"]))
        sdk = Sdk(ready)
        cli.write_yaml(TWO_GROUPS.format(groups="web-sg"))
        first = cli("apply", "--auto-approve")
        assert first.returncode == 0, first.stdout + first.stderr
        (instance,) = sdk.rpc("ecs", "DescribeInstances")["Instances"]["Instance"]
        sdk.rpc("ecs", "StopInstance", InstanceId=instance["InstanceId"])  # Stopping for a while
        cli.write_yaml(TWO_GROUPS.format(groups="web-sg, admin-sg"))
        log = tmp_path / "genesys.log"
        second = cli("apply", "--auto-approve", GENESYS_LOG="debug", GENESYS_LOG_PATH=str(log))
        assert second.returncode == 0, second.stdout + second.stderr
        assert "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." in second.stdout
        # ECS refused at first (the plugin logs the refusal), the core retried it.
        assert "ModifyInstanceAttribute refused: OperationConflict" in log.read_text()
        (after,) = sdk.rpc("ecs", "DescribeInstances")["Instances"]["Instance"]
        assert len(after["SecurityGroupIds"]["SecurityGroupId"]) == 2
        listed = cli("state", "list").stdout.split()
        assert "compute.web" in listed and "network.main-vpc.security_group.admin-sg" in listed
