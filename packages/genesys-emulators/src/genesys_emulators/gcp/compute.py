"""Compute Engine REST API (`/compute/v1/...`) on one port: the mixins put together."""

from __future__ import annotations

from genesys_emulators.gcp.compute_base import OPERATION_RULES
from genesys_emulators.gcp.compute_disks import DISK_RULES
from genesys_emulators.gcp.compute_instances import INSTANCE_RULES, InstancesMixin
from genesys_emulators.gcp.compute_lb import LB_RULES, LoadBalancingMixin
from genesys_emulators.gcp.compute_network import NETWORK_RULES, NetworksMixin
from genesys_emulators.gcp.compute_pools import POOL_RULES, InstanceGroupsMixin, TargetPoolsMixin


class ComputeApp(
    InstancesMixin, NetworksMixin, LoadBalancingMixin, TargetPoolsMixin, InstanceGroupsMixin
):
    rules = (*OPERATION_RULES, *INSTANCE_RULES, *DISK_RULES, *NETWORK_RULES, *LB_RULES, *POOL_RULES)
