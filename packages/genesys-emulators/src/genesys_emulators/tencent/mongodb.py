"""TencentDB for MongoDB (mongodb.tencentcloudapi.com, 2019-07-25): replica-set instances.

Pay-as-you-go instances (`CreateDBInstanceHour`) live in a VPC subnet; a replica set is one
primary and NodeNum-1 secondaries, spread over three zones when `AvailabilityZoneList` is
given. Sizes are sold as CPU + memory specs (`DescribeSpecInfo`); the request names Memory
and Volume in GB while `DescribeDBInstances` shows them in MB, as the real API does.
Status: 0 (awaiting initialisation) → 2 (running); a resize passes 1 (processing).
Removal is two steps, as on Tencent: `IsolateDBInstance` (→ -3, isolated pay-as-you-go),
then `OfflineIsolatedDBInstance`; both answer an AsyncRequestId that
`DescribeAsyncRequestInfo` follows, and the deals of a purchase or resize are followed by
`DescribeDBInstanceDeal`. Refusals carry the product's own error codes.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from genesys_emulators.core.operations import Transition
from genesys_emulators.tencent.api import ActionService, Record, error, new_id, now, required
from genesys_emulators.tencent.cvm import allocate_ip, release_ip

# (vCPU, memory GB) -> (min, max) disk GB: the replica-set specs sold on local-disk machines.
SPECS: dict[tuple[int, int], tuple[int, int]] = {
    (1, 2): (10, 250),
    (2, 4): (10, 500),
    (4, 8): (10, 1000),
    (4, 16): (10, 1500),
    (8, 16): (10, 2000),
    (8, 32): (10, 3000),
    (16, 64): (10, 6000),
}
VERSIONS = tuple(f"MONGO_{v}_WT" for v in ("40", "42", "44", "50", "60", "70", "80"))
MACHINES = ("GE.LD.T2", "EX.LD.T2", "GE.CD.T1", "HIO10G", "HCD")
NODE_COUNTS = (3, 5, 7)
ADMIN = "mongouser"  # the account every instance is created with
PORT = 27017
STEP = 0.05
INIT, PROCESSING, RUNNING, ISOLATED, GONE = "0", "1", "2", "-3", "gone"
_NAME = re.compile(r"^[\w\-\u4e00-\u9fff]{1,128}$")
_PASSWORD_CHARS = re.compile(r"^[A-Za-z0-9!@#%^*()_]{8,32}$")


def invalid(code: str, message: str) -> Any:
    return error(f"InvalidParameterValue.{code}", message)


def check_password(password: str) -> None:
    """8-32 of letters, digits and !@#%^*()_, of at least two of those kinds."""
    kinds = sum(bool(re.search(p, password)) for p in ("[A-Za-z]", r"\d", r"[!@#%^*()_]"))
    if not _PASSWORD_CHARS.match(password) or kinds < 2:
        raise invalid(
            "PasswordRuleFailed",
            "The password must be 8-32 characters of letters, digits and !@#%^*()_, "
            "of at least two of those kinds.",
        )


def spec_of(memory: int, cpu: int = 0) -> tuple[int, int]:
    """The sold spec with this memory (and CPU, when given)."""
    for cores, gigabytes in SPECS:
        if gigabytes == memory and (not cpu or cores == cpu):
            return cores, gigabytes
    raise invalid(
        "SpecNotOnSale",
        f"No replica-set specification has {cpu or 'any'} CPU and {memory} GB of memory.",
    )


def check_volume(spec: tuple[int, int], volume: int) -> None:
    low, high = SPECS[spec]
    if not low <= volume <= high:
        raise invalid(
            "SpecNotOnSale",
            f"{spec[0]}C{spec[1]}GB takes {low} to {high} GB of disk, not {volume}.",
        )


def _state(record: Record) -> str:
    return str(record["_state"].current())


class Mongodb(ActionService):
    service = "mongodb"
    version = "2019-07-25"

    def DescribeSpecInfo(self, body: Record, region: str) -> Record:
        zones = [body["Zone"]] if body.get("Zone") else self.world.zones(region)
        zones = [z for z in zones if not self.world.sold_out(z)]  # a closed zone lists nothing
        items = [
            {
                "SpecCode": f"mongo.replset.{cpu}c{memory}g",
                "Status": 1,
                "Cpu": cpu,
                "Memory": memory * 1024,
                "DefaultStorage": low * 1024,
                "MinStorage": low * 1024,
                "MaxStorage": high * 1024,
                "MongoVersionCode": version,
                "ClusterType": "REPLSET",
                "MinNodeNum": NODE_COUNTS[0],
                "MaxNodeNum": NODE_COUNTS[-1],
                "MachineType": "GE.LD.T2",
            }
            for (cpu, memory), (low, high) in SPECS.items()
            for version in VERSIONS
        ]
        return {
            "SpecInfoList": [
                {"Region": region, "Zone": z, "SpecItems": items, "SupportMultiAZ": 1}
                for z in zones
            ]
        }

    # ------------------------------------------------------------ create

    def CreateDBInstanceHour(self, body: Record, region: str) -> Record:
        spec, volume = self._checked_shape(body)
        zones = self._checked_zones(body, region)
        check_password(str(required(body, "Password")))
        name = str(body.get("InstanceName") or "")
        if name and not _NAME.match(name):
            raise invalid("IllegalInstanceName", f"`{name}` is not a valid instance name.")
        count = int(required(body, "GoodsNum"))
        if not 1 <= count <= 30:
            raise invalid("InvalidParameterValueError", "GoodsNum is from 1 to 30.")
        with self.store.lock:
            subnet = self._checked_network(body)
            ids = [
                self._create(body, region, zones, spec, volume, subnet, name) for _ in range(count)
            ]
            deal = new_id("deal")
            self.store.put("mongodb.deals", deal, {"ids": ids, "action": "purchase"})
        return {"DealId": deal, "InstanceIds": ids}

    def _checked_shape(self, body: Record) -> tuple[tuple[int, int], int]:
        if required(body, "ClusterType") != "REPLSET":
            raise invalid("ClusterTypeError", "This emulator sells replica sets (REPLSET) only.")
        if int(required(body, "ReplicateSetNum")) != 1:
            raise invalid("ReplicaSetNumError", "A replica set instance has ReplicateSetNum 1.")
        if int(required(body, "NodeNum")) not in NODE_COUNTS:
            raise invalid("SecondaryNumError", "A replica set has 3, 5 or 7 nodes.")
        version = required(body, "MongoVersion")
        if version not in VERSIONS:
            raise invalid("MongoVersionError", f"`{version}` is not sold; one of {VERSIONS}.")
        if required(body, "MachineCode") not in MACHINES:
            raise invalid("MachineTypeError", f"MachineCode `{body['MachineCode']}` is unknown.")
        spec = spec_of(int(required(body, "Memory")), int(body.get("CpuCore") or 0))
        volume = int(required(body, "Volume"))
        check_volume(spec, volume)
        return spec, volume

    def _checked_zones(self, body: Record, region: str) -> list[str]:
        zone = str(required(body, "Zone"))
        zones = list(body.get("AvailabilityZoneList") or [zone])
        for each in zones:
            if each not in self.world.zones(region):
                raise invalid("ZoneError", f"The zone `{each}` is not in {region}.")
            if self.world.sold_out(each):
                raise invalid("ZoneClosed", f"The zone `{each}` has closed sales.")
        if len(zones) > 1 and (len(set(zones)) != 3 or zone not in zones):
            raise invalid(
                "InvalidParameterValueError",
                "A multi-zone instance lists three different zones, its Zone among them.",
            )
        return zones

    def _checked_network(self, body: Record) -> Record:
        subnet = self.store.find("vpc.subnets", str(required(body, "SubnetId")))
        if subnet is None or subnet["VpcId"] != required(body, "VpcId"):
            raise invalid(
                "VpcIdOrSubnetIdNotFound",
                f"The subnet `{body.get('SubnetId')}` is not in VPC `{body.get('VpcId')}`.",
            )
        for group in body.get("SecurityGroup") or []:
            if self.store.find("vpc.security_groups", group) is None:
                raise invalid("SecurityGroupId", f"The security group `{group}` does not exist.")
        return subnet

    def _create(
        self,
        body: Record,
        region: str,
        zones: list[str],
        spec: tuple[int, int],
        volume: int,
        subnet: Record,
        name: str,
    ) -> str:
        ident = new_id("cmgo")
        nodes = int(body["NodeNum"])
        record: Record = {
            "InstanceId": ident,
            "InstanceName": name or ident,
            "PayMode": 0,
            "ProjectId": int(body.get("ProjectId") or 0),
            "ClusterType": 0,
            "Region": region,
            "Zone": body["Zone"],
            "NetType": 1,
            "VpcId": subnet["VpcId"],
            "SubnetId": subnet["SubnetId"],
            "Vip": allocate_ip(subnet),
            "Vport": PORT,
            "CreateTime": now(),
            "DeadLine": "0000-00-00 00:00:00",
            "MongoVersion": body["MongoVersion"],
            "MachineType": body["MachineCode"],
            "SecondaryNum": nodes - 1,
            "ReplicationSetNum": 1,
            "AutoRenewFlag": 0,
            "UsedVolume": 0,
            "MaintenanceStart": "03:00",
            "MaintenanceEnd": "04:00",
            "Tags": [
                {"TagKey": t["TagKey"], "TagValue": t.get("TagValue", "")}
                for t in body.get("Tags") or []
            ],
            "InstanceVer": 1,
            "ClusterVer": 1,
            "Protocol": 1,
            "InstanceType": 1,
            "InstanceStatusDesc": "",
            "RealInstanceId": ident,
            "ZoneList": zones,
            "SecurityGroup": list(body.get("SecurityGroup") or []),
            "_region": region,
            "_state": Transition([INIT, RUNNING], STEP),
            "_backup": {"BackupMethod": 0, "BackupTime": 2, "BackupSaveTime": 7},
        }
        _resize(record, spec, volume)
        self.store.put("mongodb.instances", ident, record)
        return ident

    # ------------------------------------------------------------ reading

    def _live(self, region: str) -> list[Record]:
        alive = []
        for record in self.store.values("mongodb.instances"):
            if _state(record) == GONE:
                self.store.remove("mongodb.instances", record["InstanceId"])
                release_ip(self.store.find("vpc.subnets", record["SubnetId"]), record["Vip"])
            elif record["_region"] == region:
                alive.append(record)
        return alive

    def _get(self, ident: str) -> Record:
        record = self.store.find("mongodb.instances", ident)
        if record is None or _state(record) == GONE:
            raise invalid("NotFoundInstance", f"The instance `{ident}` is not found.")
        return record

    def _running(self, ident: str) -> Record:
        record = self._get(ident)
        if _state(record) == ISOLATED:
            raise invalid("InstanceHasBeenIsolated", f"The instance `{ident}` is isolated.")
        if _state(record) != RUNNING:
            raise invalid(
                "StatusAbnormal", f"The instance `{ident}` is in a state that refuses this."
            )
        return record

    def DescribeDBInstances(self, body: Record, region: str) -> Record:
        limit, offset = int(body.get("Limit") or 20), int(body.get("Offset") or 0)
        if not 1 <= limit <= 100:
            raise invalid("LimitParaOutOfRange", "Limit is from 1 to 100.")
        if not 0 <= offset <= 10000:
            raise invalid("OffsetParaOutOfRange", "Offset is from 0 to 10000.")
        rows = [r for r in self._live(region) if _matches(r, body)]
        views = [_view(r) for r in rows]
        return {"TotalCount": len(views), "InstanceDetails": views[offset : offset + limit]}

    def DescribeDBInstanceDeal(self, body: Record, region: str) -> Record:
        deal = self.store.find("mongodb.deals", str(required(body, "DealId")))
        if deal is None:
            raise error("ResourceNotFound", f"The deal `{body['DealId']}` does not exist.")
        states = [self.store.find("mongodb.instances", i) for i in deal["ids"]]
        shipped = all(r is None or _state(r) not in (INIT, PROCESSING) for r in states)
        return {
            "Status": 4 if shipped else 3,
            "OriginalPrice": 0.0,
            "DiscountPrice": 0.0,
            "Action": deal["action"],
            "InstanceId": deal["ids"][0],
        }

    def DescribeAsyncRequestInfo(self, body: Record, region: str) -> Record:
        ident = str(required(body, "AsyncRequestId"))
        task = self.store.find("mongodb.requests", ident)
        if task is None:
            raise invalid("InvalidParameterValueError", f"No async request `{ident}`.")
        record = self.store.find("mongodb.instances", task["instance"])
        state = GONE if record is None else _state(record)
        done = state == task["until"]
        return {
            "Status": "success" if done else "running",
            "StartTime": task["started"],
            "EndTime": now() if done else "",
        }

    def _task(self, instance: str, until: str) -> str:
        ident = str(secrets.randbelow(10**9))  # numeric, as Tencent's task ids are
        self.store.put(
            "mongodb.requests", ident, {"instance": instance, "until": until, "started": now()}
        )
        return ident

    # ------------------------------------------------------------ changing

    def ModifyDBInstanceSpec(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._running(str(required(body, "InstanceId")))
            old_memory, old_volume = record["Memory"] // 1024, record["Volume"] // 1024
            memory = int(body.get("Memory") or old_memory)
            volume = int(body.get("Volume") or old_volume)
            if (memory - old_memory) * (volume - old_volume) < 0:
                raise invalid(
                    "ModifyModeError", "Memory and disk must both grow or both shrink together."
                )
            spec = spec_of(memory, int(body.get("Cpu") or 0))
            check_volume(spec, volume)
            if volume * 1024 < record["UsedVolume"] * 1.2:
                raise invalid("SetDiskLessThanUsed", "The disk must be 1.2x the used space.")
            _resize(record, spec, volume)
            record["_state"] = Transition([PROCESSING, RUNNING], STEP)
            deal = new_id("deal")
            action = "upgrade" if (memory, volume) >= (old_memory, old_volume) else "downgrade"
            self.store.put("mongodb.deals", deal, {"ids": [record["InstanceId"]], "action": action})
        return {"DealId": deal}

    def RenameInstance(self, body: Record, region: str) -> Record:
        name = str(required(body, "NewName"))
        if not _NAME.match(name):
            raise invalid("IllegalInstanceName", f"`{name}` is not a valid instance name.")
        self._get(str(required(body, "InstanceId")))["InstanceName"] = name
        return {}

    def ResetDBInstancePassword(self, body: Record, region: str) -> Record:
        record = self._running(str(required(body, "InstanceId")))
        if required(body, "UserName") != ADMIN:
            raise invalid("UserNotFound", f"The account `{body['UserName']}` does not exist.")
        check_password(str(required(body, "Password")))
        return {"AsyncRequestId": self._task(record["InstanceId"], RUNNING)}

    def SetBackupRules(self, body: Record, region: str) -> Record:
        record = self._running(str(required(body, "InstanceId")))
        method, hour = int(required(body, "BackupMethod")), int(required(body, "BackupTime"))
        if method not in (0, 1, 3) or not 0 <= hour <= 23:
            raise invalid("InvalidParameterValueError", "BackupMethod 0/1/3, BackupTime 0-23.")
        days = int(body.get("BackupRetentionPeriod") or record["_backup"]["BackupSaveTime"])
        if not 7 <= days <= 365:
            raise invalid("InvalidParameterValueError", "BackupRetentionPeriod is 7 to 365 days.")
        record["_backup"] = {"BackupMethod": method, "BackupTime": hour, "BackupSaveTime": days}
        return {}

    def DescribeBackupRules(self, body: Record, region: str) -> Record:
        return {**self._get(str(required(body, "InstanceId")))["_backup"], "BackupFrequency": 24}

    def IsolateDBInstance(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._running(str(required(body, "InstanceId")))
            record["_state"] = Transition([PROCESSING, ISOLATED], STEP)
        return {"AsyncRequestId": self._task(record["InstanceId"], ISOLATED)}

    def OfflineIsolatedDBInstance(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(str(required(body, "InstanceId")))
            if _state(record) != ISOLATED:
                raise invalid(
                    "IllegalStatusToOffline",
                    f"The instance `{record['InstanceId']}` must be isolated to go offline.",
                )
            record["_state"] = Transition([ISOLATED, GONE], STEP)
        return {"AsyncRequestId": self._task(record["InstanceId"], GONE)}


def _resize(record: Record, spec: tuple[int, int], volume: int) -> None:
    cpu, memory = spec
    record.update(CpuNum=cpu, Memory=memory * 1024, Volume=volume * 1024)
    record["ReplicaSets"] = [
        {
            "ReplicaSetId": f"{record['InstanceId']}_0",
            "ReplicaSetName": f"{record['InstanceId']}_0",
            "RealReplicaSetId": f"{record['InstanceId']}_0",
            "Memory": memory * 1024,
            "Volume": volume * 1024,
            "OplogSize": volume * 1024 // 10,
            "SecondaryNum": record["SecondaryNum"],
            "UsedVolume": record["UsedVolume"],
        }
    ]


def _matches(record: Record, body: Record) -> bool:
    if body.get("InstanceIds") and record["InstanceId"] not in body["InstanceIds"]:
        return False
    if body.get("Status") and int(_state(record)) not in [int(s) for s in body["Status"]]:
        return False
    for field in ("VpcId", "SubnetId"):
        if body.get(field) and record[field] != body[field]:
            return False
    key = body.get("SearchKey")
    if (
        key
        and key not in (record["InstanceId"], record["Vip"])
        and key not in record["InstanceName"]
    ):
        return False
    tags = {(t["TagKey"], t["TagValue"]) for t in record["Tags"]}
    return all((t.get("TagKey"), t.get("TagValue", "")) in tags for t in body.get("Tags") or [])


def _view(record: Record) -> Record:
    view = {k: v for k, v in record.items() if not k.startswith("_") and k != "SecurityGroup"}
    view["Status"] = int(_state(record))
    return view
