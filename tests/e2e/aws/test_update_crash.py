"""A resize (stop, modify, start) cut short leaves the instance stopped: the next apply
finishes it. Through the real CLI, the real AWS plugin and moto.

The killed run is reproduced exactly rather than timed: moto answers each EC2 step at once, so
a SIGKILL cannot be aimed between stop and start. What such a run leaves is the update intent
it made durable before the call (written here through the same StateManager.begin) and an
instance stopped with its new type (done here with boto3, as the plugin had).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import AwsCli

Aws = Callable[[str], Any]


def _config(size: str) -> str:
    return f"""provider: aws
region: us-east-1
resources:
  network:
    - name: resize-vpc
      cidr: 10.7.0.0/16
      subnets:
        - name: public
          cidr: 10.7.1.0/24
  compute:
    - name: web
      type: {size}
      image: ubuntu-lts
      network: resize-vpc
      subnet: public
"""


def _instance(aws: Aws, instance_id: str) -> dict[str, Any]:
    reservations = aws("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    return dict(reservations[0]["Instances"][0])


def _leave_an_update_in_flight(project: Path) -> str:
    """The update intent the killed run made durable before asking the plugin; the id."""
    from genesys.state import Intent, LocalBackend, StateManager, local_state_directory

    backend = LocalBackend(local_state_directory(project / "genesys.yaml"))
    state = StateManager.open(backend, operation="apply")
    try:
        web = state.resources["compute.web"]
        state.begin(
            Intent(
                "compute.web",
                "instance",
                "aws",
                "update",
                web.idempotency_token,
                id=web.id,
                changed=["size"],
            )
        )
        return web.id
    finally:
        state.close()


def test_a_resize_cut_short_is_finished_and_the_instance_runs(cli: AwsCli, aws: Aws) -> None:
    cli.config.write_text(_config("small"))
    made = cli("apply", "--auto-approve")
    assert made.returncode == 0, made.stdout + made.stderr

    cli.config.write_text(_config("medium"))
    instance_id = _leave_an_update_in_flight(cli.project)
    ec2 = aws("ec2")
    ec2.stop_instances(InstanceIds=[instance_id])
    ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "t3.medium"})
    assert _instance(aws, instance_id)["State"]["Name"] == "stopped"

    planned = cli("plan")  # unlocked: shows the state as the killed run left it
    assert planned.returncode == 0, planned.stdout + planned.stderr
    converged = cli("apply", "--auto-approve")
    assert converged.returncode == 0, converged.stdout + converged.stderr
    assert "compute.web: interrupted update left" in converged.stderr
    assert "an interrupted update did not finish; it is applied again" in converged.stdout
    assert "compute.web: Modifying..." in converged.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in converged.stdout
    instance = _instance(aws, instance_id)
    assert instance["State"]["Name"] == "running"
    assert instance["InstanceType"] == "t3.medium"
    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr
