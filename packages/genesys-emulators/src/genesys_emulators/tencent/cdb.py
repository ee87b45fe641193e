"""TencentDB for MySQL (cdb.tencentcloudapi.com, 2017-03-20).

Instances (pay-as-you-go, `CreateDBInstanceHour`) live in a VPC subnet and pass Status 0
(creating) to 1 (running); `DeployMode` 1 adds a standby in `SlaveZone`. Backups are the
instance's backup config (days kept, start window). Removal is two steps, as on Tencent:
`IsolateDBInstance` (Status 5 → 4), then `OfflineIsolatedInstances`.
"""

from __future__ import annotations

import re

from genesys_emulators.core.operations import Transition
from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    error,
    invalid,
    new_id,
    now,
    page,
    required,
    tag_pairs,
)
from genesys_emulators.tencent.cvm import allocate_ip, release_ip

VERSIONS = ("5.6", "5.7", "8.0")
MEMORY_MB = (1000, 2000, 4000, 8000, 16000, 32000, 64000)
STEP = 0.05
RUNNING, ISOLATED, OFFLINE = 1, 4, -1
DEFAULT_BACKUP: Record = {
    "StartTimeMin": 2,
    "StartTimeMax": 6,
    "BackupExpireDays": 7,
    "BackupMethod": "physical",
    "BinlogExpireDays": 7,
}
_WINDOW = re.compile(r"^([01]\d|2[0-3]):00-([01]\d|2[0-3]):00$")


def _status(record: Record) -> int:
    """CDB's numeric status (the emulator's transitions hold states as strings)."""
    return int(record["_state"].current())


class Cdb(ActionService):
    service = "cdb"
    version = "2017-03-20"

    def CreateDBInstanceHour(self, body: Record, region: str) -> Record:
        memory, volume = int(required(body, "Memory")), int(required(body, "Volume"))
        if memory not in MEMORY_MB:
            raise error(
                "InvalidParameterValue", f"Memory {memory} MB is not sold; one of {MEMORY_MB}."
            )
        if not 25 <= volume <= 6000 or volume % 5:
            raise invalid("Volume", volume, "a multiple of 5 from 25 to 6000 GB")
        engine = str(body.get("EngineVersion") or "5.7")
        if engine not in VERSIONS:
            raise invalid("EngineVersion", engine, "one of " + ", ".join(VERSIONS))
        zone = required(body, "Zone")
        self.world.check_zone(region, zone)
        token = body.get("ClientToken")
        with self.store.lock:
            earlier = self.store.find("cdb.tokens", token) if token else None
            if earlier is not None:
                return {"InstanceIds": earlier["ids"], "DealIds": []}
            subnet = self.store.find("vpc.subnets", required(body, "UniqSubnetId"))
            if subnet is None or subnet["VpcId"] != required(body, "UniqVpcId"):
                raise error(
                    "InvalidParameterValue",
                    f"The subnet `{body.get('UniqSubnetId')}` is not in `{body.get('UniqVpcId')}`.",
                )
            ident = self._create(body, region, zone, memory, volume, engine, subnet)
            if token:
                self.store.put("cdb.tokens", token, {"ids": [ident]})
        return {"InstanceIds": [ident], "DealIds": [new_id("deal")]}

    def _create(
        self,
        body: Record,
        region: str,
        zone: str,
        memory: int,
        volume: int,
        engine: str,
        subnet: Record,
    ) -> str:
        ident = new_id("cdb")
        multi = int(body.get("DeployMode") or 0) == 1
        self.store.put(
            "cdb.instances",
            ident,
            {
                "InstanceId": ident,
                "InstanceName": body.get("InstanceName") or ident,
                "Region": region,
                "Zone": zone,
                "Memory": memory,
                "Volume": volume,
                "EngineVersion": engine,
                "Vip": allocate_ip(subnet),
                "Vport": int(body.get("Port") or 3306),
                "UniqVpcId": subnet["VpcId"],
                "UniqSubnetId": subnet["SubnetId"],
                "DeployMode": 1 if multi else 0,
                "InstanceType": 1,
                "PayType": 1,
                "SlaveInfo": {"First": {"Zone": body.get("SlaveZone") or zone}} if multi else {},
                "CreateTime": now(),
                "ProjectId": int(body.get("ProjectId") or 0),
                "TaskStatus": 0,
                "TagList": tag_pairs(body.get("ResourceTags")),
                "_region": region,
                "_state": Transition(["0", "1"], STEP),
                "_backup": dict(DEFAULT_BACKUP),
            },
        )
        return ident

    def _live(self, region: str) -> list[Record]:
        alive = []
        for record in self.store.values("cdb.instances"):
            if _status(record) == OFFLINE:
                self.store.remove("cdb.instances", record["InstanceId"])
                release_ip(self.store.find("vpc.subnets", record["UniqSubnetId"]), record["Vip"])
            elif record["_region"] == region:
                alive.append(record)
        return alive

    def _get(self, ident: str) -> Record:
        record = self.store.find("cdb.instances", ident)
        if record is None or _status(record) == OFFLINE:
            raise error(
                "ResourceNotFound.CdbInstanceNotFoundError",
                f"The instance `{ident}` does not exist.",
            )
        return record

    def DescribeDBInstances(self, body: Record, region: str) -> Record:
        rows = self._live(region)
        if body.get("InstanceIds"):
            rows = [r for r in rows if r["InstanceId"] in body["InstanceIds"]]
        if body.get("InstanceNames"):
            rows = [r for r in rows if r["InstanceName"] in body["InstanceNames"]]
        if body.get("TagKeysForSearch"):
            wanted = set(body["TagKeysForSearch"])
            rows = [r for r in rows if wanted & {t["TagKey"] for t in r["TagList"]}]
        views = [
            {
                **{k: v for k, v in r.items() if not k.startswith("_")},
                "Status": int(r["_state"].current()),
            }
            for r in rows
        ]
        return {"TotalCount": len(views), "Items": page(views, body, 20, 2000)}

    def ModifyDBInstanceName(self, body: Record, region: str) -> Record:
        self._get(required(body, "InstanceId"))["InstanceName"] = required(body, "InstanceName")
        return {}

    def UpgradeDBInstance(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "InstanceId"))
        if _status(record) != RUNNING:
            raise error("OperationDenied", f"The instance `{record['InstanceId']}` is not running.")
        memory, volume = int(required(body, "Memory")), int(required(body, "Volume"))
        if memory not in MEMORY_MB or volume < record["Volume"]:
            raise invalid(
                "Memory/Volume", f"{memory}/{volume}", "a sold memory size; storage only grows"
            )
        record.update(Memory=memory, Volume=volume)
        return {"DealIds": [new_id("deal")], "AsyncRequestId": new_id("req")}

    def ModifyAccountPassword(self, body: Record, region: str) -> Record:
        self._get(required(body, "InstanceId"))
        password = required(body, "NewPassword")
        if not 8 <= len(password) <= 64:
            raise invalid("NewPassword", "***", "8 to 64 characters")
        for account in required(body, "Accounts"):
            if account.get("User") != "root":
                raise error(
                    "InvalidParameterValue", f"The account `{account.get('User')}` does not exist."
                )
        return {"AsyncRequestId": new_id("req")}

    def ModifyBackupConfig(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "InstanceId"))
        days = body.get("ExpireDays")
        if days is not None and not 7 <= int(days) <= 1830:
            raise invalid("ExpireDays", days, "from 7 to 1830 days")
        window = body.get("StartTime")
        if window is not None and not _WINDOW.match(window):
            raise invalid("StartTime", window, "a window such as 02:00-06:00")
        backup = record["_backup"]
        if days is not None:
            backup["BackupExpireDays"] = int(days)
        if window:
            start, end = window.split("-")
            backup["StartTimeMin"], backup["StartTimeMax"] = int(start[:2]), int(end[:2])
        return {}

    def DescribeBackupConfig(self, body: Record, region: str) -> Record:
        return dict(self._get(required(body, "InstanceId"))["_backup"])

    def IsolateDBInstance(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "InstanceId"))
        if _status(record) != RUNNING:
            raise error("OperationDenied", f"The instance `{record['InstanceId']}` is not running.")
        record["_state"] = Transition(["5", "4"], STEP)
        return {"AsyncRequestId": new_id("req")}

    def OfflineIsolatedInstances(self, body: Record, region: str) -> Record:
        with self.store.lock:
            records = [self._get(i) for i in required(body, "InstanceIds")]
            for record in records:
                if _status(record) != ISOLATED:
                    raise error(
                        "OperationDenied",
                        f"The instance `{record['InstanceId']}` must be isolated first.",
                    )
            for record in records:
                record["_state"] = Transition(["4", "-1"], STEP)
        return {}
