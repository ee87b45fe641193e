"""Refresh of 1,000 Azure VMs when every ARM call takes 50 ms.

    uv run --all-packages python tools/bench/azure_refresh.py [N] [--latency-ms 50]

Starts `genesys-emulator azure --faults latency_ms=50`, makes N VMs (each with its NIC) in one
subnet with Azure's own SDKs (32 in parallel), starts the azure plugin the way the core does
(child process, handshake, mutual TLS), configures it with the emulator's settings and times
the engine's refresh (`planner.refresh`: ReadResources) of N instance records. The plugin
reads them with two list calls per resource group (virtualMachines, networkInterfaces),
whatever N. Target: 1,000 VMs <= 3 s. Plugin start: tools/bench/plugin_start.py.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cloud_refresh import time_instance_refresh

TARGET_SECONDS = 3.0
GROUP = "genesys-bench"
LOCATION = "eastus"


class _Credential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("bench", int(time.time()) + 3600)


def _clients(ready: dict[str, Any]) -> tuple[Any, Any, Any]:
    from azure.core.pipeline.policies import SansIOHTTPPolicy
    from azure.mgmt.compute import ComputeManagementClient
    from azure.mgmt.network import NetworkManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient

    class Bearer(SansIOHTTPPolicy):  # type: ignore[type-arg]
        def on_request(self, request: Any) -> None:
            request.http_request.headers["Authorization"] = "Bearer bench"

    options = {
        "base_url": ready["sdk"]["arm"],
        "authentication_policy": Bearer(),
        "polling_interval": 0,
    }
    sub = ready["account"]
    return (
        ResourceManagementClient(_Credential(), sub, **options),
        NetworkManagementClient(_Credential(), sub, **options),
        ComputeManagementClient(_Credential(), sub, **options),
    )


def make_vms(ready: dict[str, Any], count: int) -> list[str]:
    import importlib

    # Any: the SDKs' flattened keyword arguments are real but absent from their overloads.
    cm: Any = importlib.import_module("azure.mgmt.compute.models")
    nm: Any = importlib.import_module("azure.mgmt.network.models")

    resource, network, compute = _clients(ready)
    resource.resource_groups.create_or_update(GROUP, {"location": LOCATION})
    network.virtual_networks.begin_create_or_update(
        GROUP,
        "bench",
        nm.VirtualNetwork(
            location=LOCATION,
            address_space=nm.AddressSpace(address_prefixes=["10.0.0.0/16"]),
        ),
    ).result()
    subnet = network.subnets.begin_create_or_update(
        GROUP, "bench", "vms", nm.Subnet(address_prefix="10.0.0.0/20")
    ).result()

    def make(index: int) -> str:
        nic = network.network_interfaces.begin_create_or_update(
            GROUP,
            f"vm-{index}-nic",
            nm.NetworkInterface(
                location=LOCATION,
                ip_configurations=[
                    nm.NetworkInterfaceIPConfiguration(name="ip", subnet=nm.Subnet(id=subnet.id))
                ],
            ),
        ).result()
        vm = compute.virtual_machines.begin_create_or_update(
            GROUP,
            f"vm-{index}",
            cm.VirtualMachine(
                location=LOCATION,
                hardware_profile=cm.HardwareProfile(vm_size="Standard_B1s"),
                storage_profile=cm.StorageProfile(
                    image_reference=cm.ImageReference(
                        publisher="Canonical",
                        offer="ubuntu-24_04-lts",
                        sku="server",
                        version="latest",
                    )
                ),
                os_profile=cm.OSProfile(
                    computer_name=f"vm-{index}",
                    admin_username="bench",
                    admin_password="Bench-pass-123",
                ),
                network_profile=cm.NetworkProfile(
                    network_interfaces=[cm.NetworkInterfaceReference(id=nic.id)]
                ),
            ),
        ).result()
        return str(vm.id)

    with ThreadPoolExecutor(32) as pool:
        return list(pool.map(make, range(count)))


def time_refresh(ready: dict[str, Any], ids: list[str]) -> float:
    from genesys.provider.v1 import provider_pb2
    from google.protobuf import struct_pb2

    settings = struct_pb2.Struct()
    settings.update({**ready["settings"], "resource_group": GROUP})
    configure = provider_pb2.ConfigureRequest(settings=settings)
    return time_instance_refresh("azure", configure, ids)


def main() -> None:
    from genesys_emulators.testing import running

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    with running("azure", faults=f"latency_ms={args.latency_ms}") as ready:
        made = time.perf_counter()
        ids = make_vms(ready, args.count)
        made = time.perf_counter() - made
        elapsed = time_refresh(ready, ids)
    print(
        f"refresh of {args.count} Azure VMs, {args.latency_ms} ms per ARM call "
        "(2 list calls: virtualMachines + networkInterfaces of the resource group)"
    )
    print(f"  (setup: {args.count} VMs + NICs made through the SDK in {made:.1f} s)")
    verdict = "OK" if elapsed <= TARGET_SECONDS else "OVER TARGET"
    print(f"  engine refresh: {elapsed:.2f} s   target <= {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
