"""TencentDB for PostgreSQL (postgres.tencentcloudapi.com, 2017-03-12).

Instances live in a VPC subnet, pass applying → initing → running, have a backup plan
(`ModifyBackupPlan` / `DescribeBackupPlans`), and are removed in two steps as on the real
service: `IsolateDBInstances`, then `DestroyDBInstance` (refused unless isolated).
"""

from __future__ import annotations

import re
from typing import Any

from genesys_emulators.core.operations import Transition
from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    apply_filters,
    error,
    invalid,
    new_id,
    now,
    page,
    required,
)
from genesys_emulators.tencent.cvm import allocate_ip, release_ip

# SpecCode → (vCPU, memory GiB)
SPECS: dict[str, tuple[int, int]] = {
    "pg.it.small2": (1, 2),
    "pg.it.medium4": (2, 4),
    "pg.it.medium8": (2, 8),
    "pg.it.large8": (4, 8),
    "pg.it.large16": (4, 16),
    "pg.it.large32": (4, 32),
    "pg.it.2xlarge16": (8, 16),
    "pg.it.2xlarge32": (8, 32),
    "pg.it.2xlarge64": (8, 64),
}
VERSIONS = {
    "10": "10.23",
    "11": "11.22",
    "12": "12.22",
    "13": "13.18",
    "14": "14.15",
    "15": "15.10",
    "16": "16.6",
}
STEP = 0.05
WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")


class Postgres(ActionService):
    service = "postgres"
    version = "2017-03-12"

    def DescribeClasses(self, body: Record, region: str) -> Record:
        self.world.check_zone(region, required(body, "Zone"))
        rows = [
            {
                "SpecCode": code,
                "CPU": cpu,
                "Memory": mem * 1024,
                "MaxStorage": 6000,
                "MinStorage": 10,
                "QPS": 2000 * cpu,
            }
            for code, (cpu, mem) in SPECS.items()
        ]
        return {"ClassInfoSet": rows}

    def CreateInstances(self, body: Record, region: str) -> Record:
        spec = required(body, "SpecCode")
        if spec not in SPECS:
            raise error(
                "InvalidParameterValue.SpecNotRecognizedError",
                f"The SpecCode `{spec}` is not a PostgreSQL specification.",
            )
        zone = required(body, "Zone")
        self.world.check_zone(region, zone)
        major = str(body.get("DBMajorVersion") or str(body.get("DBVersion") or "").split(".")[0])
        if major not in VERSIONS:
            raise error(
                "InvalidParameterValue.InvalidPGVersion" if major else "MissingParameter",
                f"DBMajorVersion `{major}` is not offered; one of {', '.join(VERSIONS)}.",
            )
        storage = int(required(body, "Storage"))
        if not 10 <= storage <= 6000 or storage % 10:
            raise error(
                "InvalidParameterValue",
                f"Storage {storage} must be a multiple of 10 from 10 to 6000 GB.",
            )
        _check_admin(required(body, "AdminName"), required(body, "AdminPassword"))
        required(body, "Charset")
        with self.store.lock:
            subnet = self.store.find("vpc.subnets", required(body, "SubnetId"))
            if subnet is None or subnet["VpcId"] != required(body, "VpcId"):
                raise error(
                    "InvalidParameterValue",
                    f"The subnet `{body.get('SubnetId')}` is not in VPC `{body.get('VpcId')}`.",
                )
            ids = [
                self._create(body, region, spec, major, storage, subnet)
                for _ in range(int(body.get("InstanceCount") or 1))
            ]
        return {
            "DealNames": [f"deal-{i}" for i in ids],
            "BillId": new_id("bill"),
            "DBInstanceIdSet": ids,
        }

    def _create(
        self, body: Record, region: str, spec: str, major: str, storage: int, subnet: Record
    ) -> str:
        ident = new_id("postgres")
        cpu, mem = SPECS[spec]
        nodes = body.get("DBNodeSet") or [{"Role": "Primary", "Zone": body["Zone"]}]
        record = {
            **FIXED_FIELDS,
            "Region": region,
            "Zone": body["Zone"],
            "VpcId": subnet["VpcId"],
            "SubnetId": subnet["SubnetId"],
            "DBInstanceId": ident,
            "DBInstanceName": body.get("Name") or ident,
            "DBInstanceCpu": cpu,
            "DBInstanceMemory": mem * 1024,
            "DBInstanceStorage": storage,
            "DBInstanceClass": spec,
            "DBMajorVersion": major,
            "DBVersion": VERSIONS[major],
            "DBKernelVersion": f"v{VERSIONS[major]}_r1.0",
            "DBCharset": body["Charset"],
            "CreateTime": now(),
            "UpdateTime": now(),
            "PayType": body.get("InstanceChargeType") or "POSTPAID_BY_HOUR",
            "AppId": int(self.world.appid),
            "ProjectId": int(body.get("ProjectId") or 0),
            "TagList": [
                {"TagKey": t["TagKey"], "TagValue": t.get("TagValue", "")}
                for t in body.get("TagList") or []
            ],
            "DBNodeSet": [{"Role": n.get("Role"), "Zone": n.get("Zone")} for n in nodes],
            "DBInstanceNetInfo": [_private_address(subnet)],
            "_region": region,
            "_admin": body["AdminName"],
            "_state": Transition(["applying", "initing", "running"], STEP),
            "_backup": _default_plan(),
        }
        self.store.put("postgres.instances", ident, record)
        return ident

    def DescribeDBInstances(self, body: Record, region: str) -> Record:
        rows = [_view(r) for r in self._live(region)]
        rows = apply_filters(
            rows,
            body.get("Filters"),
            _FILTERS,
            tag_field="TagList",
            key_field="TagKey",
            value_field="TagValue",
        )
        return {"TotalCount": len(rows), "DBInstanceSet": page(rows, body, 10, 100)}

    def DescribeDBInstanceAttribute(self, body: Record, region: str) -> Record:
        return {"DBInstance": _view(self._get(required(body, "DBInstanceId")))}

    def _live(self, region: str) -> list[Record]:
        alive = []
        for record in self.store.values("postgres.instances"):
            if record["_state"].current() == "offlined":
                self.store.remove("postgres.instances", record["DBInstanceId"])
            elif record["_region"] == region:
                alive.append(record)
        return alive

    def _get(self, ident: str) -> Record:
        record = self.store.find("postgres.instances", ident)
        if record is None or record["_state"].current() == "offlined":
            raise error(
                "ResourceNotFound.InstanceNotFoundError", f"The instance `{ident}` does not exist."
            )
        return record

    def _running(self, ident: str) -> Record:
        record = self._get(ident)
        state = record["_state"].current()
        if state != "running":
            raise error(
                "OperationDenied.InstanceStatusLimitOpError",
                f"The instance `{ident}` is {state}; this operation needs it running.",
            )
        return record

    def ModifyBackupPlan(self, body: Record, region: str) -> Record:
        record = self._running(required(body, "DBInstanceId"))
        plan = dict(record["_backup"])
        for key in ("MinBackupStartTime", "MaxBackupStartTime"):
            if body.get(key) is not None:
                if not _TIME.match(body[key]):
                    raise invalid(key, body[key], "HH:MM:SS")
                plan[key] = body[key]
        if body.get("BaseBackupRetentionPeriod") is not None:
            days = int(body["BaseBackupRetentionPeriod"])
            if not 3 <= days <= 7300:
                raise invalid("BaseBackupRetentionPeriod", days, "from 3 to 7300 days")
            plan["BaseBackupRetentionPeriod"] = days
        if body.get("BackupPeriod"):
            if any(day not in WEEK for day in body["BackupPeriod"]):
                raise invalid("BackupPeriod", body["BackupPeriod"], "week days in lower case")
            plan["BackupPeriod"] = list(body["BackupPeriod"])
        plan["UpdatedTime"] = now()
        record["_backup"] = plan
        return {}

    def DescribeBackupPlans(self, body: Record, region: str) -> Record:
        return {"Plans": [dict(self._get(required(body, "DBInstanceId"))["_backup"])]}

    def ResetAccountPassword(self, body: Record, region: str) -> Record:
        record = self._running(required(body, "DBInstanceId"))
        user = required(body, "UserName")
        if user != record["_admin"]:
            raise error("InvalidParameterValue", f"The account `{user}` does not exist.")
        _check_admin(user, required(body, "Password"))
        return {}

    def ModifyDBInstanceName(self, body: Record, region: str) -> Record:
        self._get(required(body, "DBInstanceId"))["DBInstanceName"] = required(body, "InstanceName")
        return {}

    def ModifyDBInstanceSpec(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._running(required(body, "DBInstanceId"))
            memory, storage = int(required(body, "Memory")), int(required(body, "Storage"))
            cpu = int(body.get("Cpu") or 0)
            spec = next(
                (code for code, (c, m) in SPECS.items() if m == memory and (not cpu or c == cpu)),
                None,
            )
            if spec is None:
                raise error(
                    "InvalidParameterValue.SpecNotRecognizedError",
                    f"No specification has {cpu or 'any'} vCPU and {memory} GB.",
                )
            if storage < record["DBInstanceStorage"]:
                raise invalid("Storage", storage, "storage only grows")
            record.update(
                DBInstanceClass=spec,
                DBInstanceCpu=SPECS[spec][0],
                DBInstanceMemory=memory * 1024,
                DBInstanceStorage=storage,
            )
            record["_state"] = Transition(["expanding", "running"], STEP)
        return {"DealName": new_id("deal")}

    def IsolateDBInstances(self, body: Record, region: str) -> Record:
        with self.store.lock:
            records = [self._get(i) for i in required(body, "DBInstanceIdSet")]
            for record in records:
                state = record["_state"].current()
                if state not in ("running", "isolated"):
                    raise error(
                        "OperationDenied.InstanceStatusLimitOpError",
                        f"The instance `{record['DBInstanceId']}` is {state}.",
                    )
            for record in records:
                record["_state"] = Transition(["isolating", "isolated"], STEP)
        return {}

    def DestroyDBInstance(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "DBInstanceId"))
            state = record["_state"].current()
            if state != "isolated":
                raise error(
                    "OperationDenied.InstanceStatusLimitOpError",
                    f"The instance `{record['DBInstanceId']}` is {state}; "
                    "destroy needs it isolated first.",
                )
            record["_state"] = Transition(["offlining", "offlined"], STEP)
            release_ip(
                self.store.find("vpc.subnets", record["SubnetId"]),
                record["DBInstanceNetInfo"][0]["Ip"],
            )
        return {}


FIXED_FIELDS: Record = {
    "DBInstanceType": "primary",
    "DBInstanceVersion": "standard",
    "AutoRenew": 0,
    "Type": "TS85",
    "DBEngine": "postgresql",
    "DeletionProtection": False,
}


def _private_address(subnet: Record) -> Record:
    return {
        "Address": "",
        "Ip": allocate_ip(subnet),
        "Port": 5432,
        "NetType": "private",
        "Status": "opened",
        "VpcId": subnet["VpcId"],
        "SubnetId": subnet["SubnetId"],
        "ProtocolType": "postgresql",
    }


def _default_plan() -> Record:
    """A new instance's backup plan: every day at 00:00-01:00, kept 7 days."""
    return {
        "BackupPeriod": list(WEEK),
        "BaseBackupRetentionPeriod": 7,
        "MinBackupStartTime": "00:00:00",
        "MaxBackupStartTime": "01:00:00",
        "BackupMethod": "physical",
        "PlanId": new_id("plan"),
        "PlanName": "default",
        "LogBackupRetentionPeriod": 7,
        "CreatedTime": now(),
        "UpdatedTime": now(),
        "PlanType": "default",
        "BackupPeriodType": "week",
    }


def _view(record: Record) -> Record:
    view = {k: v for k, v in record.items() if not k.startswith("_")}
    view["DBInstanceStatus"] = record["_state"].current()
    return view


def _check_admin(name: str, password: str) -> None:
    if (
        not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,15}", name)
        or name == "postgres"
        or name.startswith("pg_")
    ):
        raise invalid("AdminName", name, "1-16 letters, digits or _, not postgres nor pg_*")
    classes = sum(bool(re.search(p, password)) for p in ("[a-z]", "[A-Z]", r"\d", r"[^\w]|_"))
    if not 8 <= len(password) <= 32 or classes < 3:
        raise error(
            "InvalidParameterValue",
            "AdminPassword needs 8-32 characters of at least three of: lower case, "
            "upper case, digits, symbols.",
        )


_FILTERS: dict[str, Any] = {
    "db-instance-id": lambda r: r["DBInstanceId"],
    "db-instance-name": lambda r: r["DBInstanceName"],
    "db-project-id": lambda r: r["ProjectId"],
    "db-pay-mode": lambda r: r["PayType"],
    "db-instance-status": lambda r: r["DBInstanceStatus"],
    "db-instance-ip": lambda r: [n["Ip"] for n in r["DBInstanceNetInfo"]],
    "db-tag-key": lambda r: [t["TagKey"] for t in r["TagList"]],
}
