"""ApsaraDB for MongoDB, `Dds` (Version 2015-12-01): replica-set instances with their
backup policy, root password, spec changes and tags.

An instance goes Creating -> Running; ModifyDBInstanceSpec passes through
`DBInstanceClassChanging`; DeleteDBInstance through `Deleting` before it is gone. Each of
the replica set's nodes has its own domain (`dds-<id>.mongodb.rds.aliyuncs.com` for the
primary, `dds-<id>-1` for the secondary) on port 3717, and the set a name
(`mgset-<n>`), as DescribeDBInstanceAttribute shows them. DescribeDBInstances filters by
one DBInstanceId, status, description, class, VPC/vSwitch, zone and `Tag.N`; it pages
by 30, 50 or 100.
"""

from __future__ import annotations

import re
from typing import Any

from genesys_emulators.alibaba import catalog
from genesys_emulators.alibaba.network import VpcState
from genesys_emulators.alibaba.rpc import (
    Params,
    RpcDialect,
    RpcService,
    integer,
    page,
    public,
    region,
    required,
    tag_resources,
    tags_in,
)
from genesys_emulators.core import CloudError, FaultPlan
from genesys_emulators.core.operations import Transition

STEP = 0.5  # long enough that a client sees each state on a loaded machine (DDS: minutes)
PORT = "3717"
WINDOW = re.compile(r"^([01]\d|2[0-3]):00Z-([01]\d|2[0-3]):00Z$")
PASSWORD = re.compile(r"^[A-Za-z0-9!@#$%^&*()_+\-=]{8,32}$")
PASSWORD_CLASSES = (r"[A-Z]", r"[a-z]", r"[0-9]", r"[!@#$%^&*()_+\-=]")
FILTERS = (
    "DBInstanceStatus",
    "DBInstanceDescription",
    "DBInstanceClass",
    "EngineVersion",
    "VpcId",
    "VSwitchId",
    "ZoneId",
    "ReplicationFactor",
)


def _not_found() -> CloudError:
    return CloudError(404, "InvalidDBInstanceId.NotFound", "The instance is not found.")


def _wrong_state() -> CloudError:
    return CloudError(
        403,
        "OperationDenied.DBInstanceStatus",
        "The operation is not permitted due to status of instance.",
    )


def _invalid(name: str, value: str) -> CloudError:
    return CloudError(
        400, f"Invalid{name}.Malformed", f"Specified parameter {name} {value} is not valid."
    )


def status_of(db: dict[str, Any], shown: bool = False) -> str:
    """The status now; `shown`: as a describe reports it (every state, in order)."""
    transition: Transition = db["_transition"]
    return transition.seen() if shown else transition.current()


def check_password(password: str) -> None:
    """The root password rule: 8-32 characters of three of the four classes."""
    classes = sum(1 for c in PASSWORD_CLASSES if re.search(c, password))
    if not PASSWORD.match(password) or classes < 3:
        raise CloudError(
            400, "InvalidAccountPassword.Format", "Specified account password is not valid."
        )


class Dds(RpcService):
    version = "2015-12-01"
    product = "Dds"
    dialect = RpcDialect("mongodb.aliyuncs.com")

    def __init__(self, state: VpcState, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.state = state
        self.store = state.store

    def db(self, instance_id: str) -> dict[str, Any]:
        """A live instance (one whose deletion finished is dropped here)."""
        db = self.store.get("dds", instance_id, _not_found)
        if status_of(db) == "Deleted":
            self.store.remove("dds", instance_id)
            raise _not_found()
        return db

    def _live(self) -> list[dict[str, Any]]:
        alive = []
        with self.store.lock:
            for db in self.store.values("dds"):
                if status_of(db) == "Deleted":
                    self.store.remove("dds", db["DBInstanceId"])
                else:
                    alive.append(db)
        return alive

    # ------------------------------------------------------------ create

    def _check_spec(self, params: Params) -> tuple[str, str]:
        engine = params.get("Engine", "MongoDB")
        if engine != "MongoDB":
            raise _invalid("Engine", engine)
        version = required(params, "EngineVersion")
        if version not in catalog.DDS_VERSIONS:
            raise _invalid("EngineVersion", version)
        db_class = required(params, "DBInstanceClass")
        if db_class not in catalog.DDS_CLASSES:
            raise CloudError(
                400,
                "InvalidDBInstanceClass.NotFound",
                f"The Specified DBInstanceClass {db_class} is not found.",
            )
        return version, db_class

    @staticmethod
    def _storage(params: Params) -> int:
        storage = integer(params, "DBInstanceStorage", 0, 10, 3000)
        if storage % 10:
            raise _invalid("DBInstanceStorage", str(storage))
        return storage

    def _placement(self, where: str, params: Params) -> dict[str, str]:
        zones = catalog.zones_of(where)
        network = params.get("NetworkType", "VPC")
        if network not in ("VPC", "Classic"):
            raise _invalid("NetworkType", network)
        vswitch_id = required(params, "VSwitchId") if network == "VPC" else ""
        if vswitch_id:
            vswitch = self.state.vswitch(vswitch_id)
            vpc_id = params.get("VpcId", "") or vswitch["VpcId"]
            if vswitch["VpcId"] != vpc_id:
                raise CloudError(
                    400, "InvalidVpcId.Mismatch", "The vSwitch does not belong to the VPC."
                )
            zone = vswitch["ZoneId"]
            placed = {"NetworkType": "VPC", "VPCId": vpc_id, "VSwitchId": vswitch_id}
        else:
            zone = params.get("ZoneId", "") or zones[0]
            placed = {"NetworkType": "Classic", "VPCId": "", "VSwitchId": ""}
        others = {k: params.get(k, "") for k in ("SecondaryZoneId", "HiddenZoneId")}
        for value in (zone, *[v for v in others.values() if v]):
            if value not in zones:
                raise CloudError(400, "InvalidZoneId.NotFound", f"Zone {value} is not found.")
        if any(v == zone for v in others.values()) or (
            all(others.values()) and others["SecondaryZoneId"] == others["HiddenZoneId"]
        ):
            raise CloudError(
                400, "InvalidZoneId.Duplicate", "The nodes' zones must be three different zones."
            )
        return {**placed, "ZoneId": zone, **others}

    def do_CreateDBInstance(self, params: Params) -> dict[str, Any]:
        where = region(params)
        token = params.get("ClientToken", "")
        with self.store.lock:
            earlier = next((d for d in self._live() if token and d["_token"] == token), None)
            if earlier is None:
                earlier = self._record(params, where, token)
                self.store.put("dds", earlier["DBInstanceId"], earlier)
        return {"DBInstanceId": earlier["DBInstanceId"], "OrderId": "1"}

    def _record(self, params: Params, where: str, token: str) -> dict[str, Any]:
        version, db_class = self._check_spec(params)
        storage = self._storage(params)
        required(params, "DBInstanceStorage")
        factor = params.get("ReplicationFactor", "3")
        if factor not in ("1", "3", "5", "7"):
            raise _invalid("ReplicationFactor", factor)
        if params.get("AccountPassword"):
            check_password(params["AccountPassword"])
        instance_id = f"dds-{self.store.new_id()}"
        return {
            "DBInstanceId": instance_id,
            "DBInstanceDescription": params.get("DBInstanceDescription", instance_id),
            "Engine": "MongoDB",
            "EngineVersion": version,
            "DBInstanceClass": db_class,
            "DBInstanceStorage": storage,
            "StorageEngine": params.get("StorageEngine", "WiredTiger"),
            "StorageType": params.get("StorageType", "cloud_essd1"),
            "ReplicationFactor": factor,
            "DBInstanceType": "replicate",
            "ChargeType": params.get("ChargeType", "PostPaid"),
            "RegionId": where,
            "ReplicaSetName": f"mgset-{self.store.new_id()[-8:]}",
            "SecurityIPList": params.get("SecurityIPList", "127.0.0.1"),
            **self._placement(where, params),
            "_token": token,
            "_tags": tags_in(params),
            "_password": params.get("AccountPassword", ""),
            "_transition": Transition(("Creating", "Running"), STEP, shows_every_state=True),
            "_backup": {
                "BackupRetentionPeriod": "7",
                "PreferredBackupTime": "00:00Z-01:00Z",
                "PreferredBackupPeriod": "Monday,Wednesday,Friday,Saturday,Sunday",
            },
        }

    # ------------------------------------------------------------ reads

    def _view(self, db: dict[str, Any]) -> dict[str, Any]:
        return {
            **public(db),
            "DBInstanceStatus": status_of(db, shown=True),
            "VpcId": db["VPCId"],
            "LockMode": "Unlock",
            "Tags": {"Tag": [{"Key": k, "Value": v} for k, v in db["_tags"].items()]},
        }

    def _matches(self, db: dict[str, Any], where: str, params: Params) -> bool:
        if db["RegionId"] != where:
            return False
        if params.get("DBInstanceId") and db["DBInstanceId"] != params["DBInstanceId"]:
            return False
        view = {**db, "DBInstanceStatus": status_of(db), "VpcId": db["VPCId"]}
        if any(params.get(k) and str(view[k]) != params[k] for k in FILTERS):
            return False
        return all(db["_tags"].get(k) == v for k, v in tags_in(params).items())

    def do_DescribeDBInstances(self, params: Params) -> dict[str, Any]:
        where = region(params)
        if params.get("DBInstanceType", "replicate") != "replicate":
            return {"DBInstances": {"DBInstance": []}, "TotalCount": 0}
        size = params.get("PageSize", "30")
        if size not in ("30", "50", "100"):
            raise _invalid("PageSize", size)
        found = [d for d in self._live() if self._matches(d, where, params)]
        chosen, keys = page(
            sorted(found, key=lambda d: d["DBInstanceId"]), params, max_size=100, default=30
        )
        return {"DBInstances": {"DBInstance": [self._view(d) for d in chosen]}, **keys}

    def do_DescribeDBInstanceAttribute(self, params: Params) -> dict[str, Any]:
        db = self.db(required(params, "DBInstanceId"))
        domain = f"{db['DBInstanceId']}.mongodb.rds.aliyuncs.com"
        secondary = f"{db['DBInstanceId']}-1.mongodb.rds.aliyuncs.com"
        nodes = [("Primary", domain), ("Secondary", secondary)]
        sets = [
            {
                "ReplicaSetRole": role,
                "ConnectionDomain": host,
                "ConnectionPort": PORT,
                "NetworkType": db["NetworkType"],
                "VPCId": db["VPCId"],
                "VSwitchId": db["VSwitchId"],
            }
            for role, host in nodes
        ]
        item = {**self._view(db), "ReplicaSets": {"ReplicaSet": sets}}
        return {"DBInstances": {"DBInstance": [item]}}

    # ------------------------------------------------------------ changes

    def do_ModifyDBInstanceSpec(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            if status_of(db) != "Running":
                raise _wrong_state()
            if params.get("DBInstanceClass"):
                self._check_spec({**params, "EngineVersion": db["EngineVersion"]})
            storage = self._storage(params) if params.get("DBInstanceStorage") else 0
            if storage and storage < db["DBInstanceStorage"]:
                raise CloudError(
                    400,
                    "InvalidDBInstanceStorage.Decrease",
                    "The storage capacity cannot be decreased.",
                )
            db["DBInstanceClass"] = params.get("DBInstanceClass") or db["DBInstanceClass"]
            db["DBInstanceStorage"] = storage or db["DBInstanceStorage"]
            db["_transition"] = Transition(  # mid-change until a describe showed it (<= 10 s)
                ("DBInstanceClassChanging", "Running"),
                STEP,
                shows_every_state=True,
                held_unseen_s=10.0,
            )
        return {"OrderId": "2"}

    def do_ModifyDBInstanceDescription(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            self.db(required(params, "DBInstanceId"))["DBInstanceDescription"] = required(
                params, "DBInstanceDescription"
            )
        return {}

    def do_ResetAccountPassword(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            if required(params, "AccountName") != "root":
                raise CloudError(
                    404, "InvalidAccountName.NotFound", "Specified account does not exist."
                )
            password = required(params, "AccountPassword")
            check_password(password)
            db["_password"] = password
        return {}

    def do_DeleteDBInstance(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            if status_of(db) not in ("Running", "Locked"):
                raise _wrong_state()
            db["_transition"] = Transition(  # Deleting until a describe showed it (<= 10 s)
                ("Deleting", "Deleted"), STEP, shows_every_state=True, held_unseen_s=10.0
            )
        return {}

    # ------------------------------------------------------------ backups and tags

    def do_ModifyBackupPolicy(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            window = params.get("PreferredBackupTime", "")
            if window and not WINDOW.match(window):
                raise _invalid("PreferredBackupTime", window)
            if params.get("BackupRetentionPeriod"):
                integer(params, "BackupRetentionPeriod", 7, 7, 730)
            for name in ("BackupRetentionPeriod", "PreferredBackupTime", "PreferredBackupPeriod"):
                if params.get(name):
                    db["_backup"][name] = params[name]
        return {}

    def do_DescribeBackupPolicy(self, params: Params) -> dict[str, Any]:
        return dict(self.db(required(params, "DBInstanceId"))["_backup"])

    def do_TagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self.db, params)

    def do_UntagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self.db, params, untag=True)
