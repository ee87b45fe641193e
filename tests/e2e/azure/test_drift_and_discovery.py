"""Drift: a change made outside of Genesys (with the Azure SDK) is named in the plan and
undone. Discovery: what exists in the resource group unmanaged is listed in the config's
words, adopted without a change, and then planned as managed."""

from __future__ import annotations

import json
from typing import Any

from .conftest import AzureCli, providers_block

NETWORK = """provider: azure
region: eastus
resources:
  network:
    - name: core-net
      cidr: 10.4.0.0/16
      tags: {Team: platform}
"""


def test_changes_made_outside_are_named_and_reverted(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    cli.config.write_text(NETWORK + providers_block(emulator))
    assert cli("apply", "--auto-approve").returncode == 0
    network = azure("network")
    vnet = network.virtual_networks.get(cli.group, "core-net")
    vnet.tags = {**vnet.tags, "Team": "someone-else"}
    network.virtual_networks.begin_create_or_update(cli.group, "core-net", vnet).result()

    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "# (changed outside of Genesys: tags)" in planned.stdout
    assert '~ tags = {"Team": "someone-else"} -> {"Team": "platform"}' in planned.stdout
    assert cli("apply", "--auto-approve").returncode == 0
    assert network.virtual_networks.get(cli.group, "core-net").tags["Team"] == "platform"
    assert cli("plan", "--detailed-exitcode").returncode == 0


def _vm_made_by_hand(azure: Any, group: str, subnet_id: str) -> str:
    import importlib

    cm: Any = importlib.import_module("azure.mgmt.compute.models")
    nm: Any = importlib.import_module("azure.mgmt.network.models")
    nic = (
        azure("network")
        .network_interfaces.begin_create_or_update(
            group,
            "legacy-web-nic",
            nm.NetworkInterface(
                location="eastus",
                ip_configurations=[
                    nm.NetworkInterfaceIPConfiguration(name="ip", subnet=nm.Subnet(id=subnet_id))
                ],
            ),
        )
        .result()
    )
    vm = (
        azure("compute")
        .virtual_machines.begin_create_or_update(
            group,
            "legacy-web",
            cm.VirtualMachine(
                location="eastus",
                hardware_profile=cm.HardwareProfile(vm_size="Standard_B2s"),
                storage_profile=cm.StorageProfile(
                    image_reference=cm.ImageReference(
                        publisher="Canonical",
                        offer="ubuntu-24_04-lts",
                        sku="server",
                        version="latest",
                    )
                ),
                os_profile=cm.OSProfile(
                    computer_name="legacy-web", admin_username="ops", admin_password="Legacy-pass-1"
                ),
                network_profile=cm.NetworkProfile(
                    network_interfaces=[cm.NetworkInterfaceReference(id=nic.id)]
                ),
            ),
        )
        .result()
    )
    return str(vm.id)


def test_discover_and_adopt_a_vm_made_by_hand(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    config = NETWORK + "      subnets:\n        - name: web\n          cidr: 10.4.1.0/24\n"
    cli.config.write_text(config + providers_block(emulator))
    assert cli("apply", "--auto-approve").returncode == 0
    subnet = azure("network").subnets.get(cli.group, "core-net", "web")
    vm_id = _vm_made_by_hand(azure, cli.group, subnet.id)

    found = cli("discover", "--kind", "instance", "--kind", "network", "--json")
    assert found.returncode == 0, found.stderr
    rows = [json.loads(line) for line in found.stdout.splitlines() if line.strip()]
    assert [r["id"] for r in rows] == [vm_id]  # the managed network is left out
    assert "medium" in rows[0]["summary"] and "Standard_B2s" in rows[0]["summary"]

    declared = (
        config + "  compute:\n    - name: legacy-web\n      type: medium\n"
        "      image: ubuntu-lts\n      network: core-net\n"
    )
    cli.config.write_text(declared + providers_block(emulator))
    adopted = cli("adopt", "compute.legacy-web", vm_id)
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    planned = cli("plan", "--detailed-exitcode")  # managed now, and as declared
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "legacy-web" in cli("state", "list").stdout
