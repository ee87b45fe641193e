"""RDS (Version 2014-08-15): instances (Creating -> Running), databases, accounts, backup
policies, spec changes and tags.

PostgreSQL and MySQL with the versions and classes of `catalog`; a VPC instance needs a
vSwitch of that VPC; the connection string is `<id>.<engine>.rds.aliyuncs.com` on the
engine's port. Changing the class passes through `DBInstanceClassChanging`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from genesys_emulators.alibaba import catalog
from genesys_emulators.alibaba.network import VpcState
from genesys_emulators.alibaba.rpc import (
    Params,
    RpcDialect,
    RpcService,
    id_list,
    integer,
    page,
    public,
    region,
    required,
    tag_resources,
    tag_view,
    tags_in,
)
from genesys_emulators.core import CloudError, FaultPlan
from genesys_emulators.core.operations import Transition

STEP = 0.05
PREFIX = {"PostgreSQL": ("pgm-", "pg", 5432), "MySQL": ("rm-", "mysql", 3306)}
WINDOW = re.compile(r"^([01]\d|2[0-3]):00Z-([01]\d|2[0-3]):00Z$")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _not_found(instance_id: str) -> CloudError:
    return CloudError(
        404, "InvalidDBInstanceId.NotFound", f"Specified instance {instance_id} does not exist."
    )


def status_of(db: dict[str, Any]) -> str:
    transition: Transition = db["_transition"]
    return transition.current()


class Rds(RpcService):
    version = "2014-08-15"
    product = "Rds"
    dialect = RpcDialect("rds.aliyuncs.com")

    def __init__(self, state: VpcState, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.state = state
        self.store = state.store

    def db(self, instance_id: str) -> dict[str, Any]:
        return self.store.get("rds", instance_id, lambda: _not_found(instance_id))

    def _check_engine(self, params: Params) -> tuple[str, str, str]:
        engine = required(params, "Engine")
        if engine not in catalog.RDS_ENGINES:
            raise CloudError(
                400, "InvalidEngine.Malformed", f"Specified Engine {engine} is not valid."
            )
        version = required(params, "EngineVersion")
        if version not in catalog.RDS_ENGINES[engine]:
            raise CloudError(
                400,
                "InvalidEngineVersion.Malformed",
                f"Specified EngineVersion {version} is not valid.",
            )
        db_class = required(params, "DBInstanceClass")
        if db_class not in catalog.RDS_CLASSES or not db_class.startswith(PREFIX[engine][1]):
            raise CloudError(
                400,
                "InvalidDBInstanceClass.NotFound",
                f"Specified DBInstanceClass {db_class} is not valid.",
            )
        return engine, version, db_class

    def _placement(self, params: Params) -> dict[str, str]:
        vswitch_id = params.get("VSwitchId", "")
        if not vswitch_id:
            return {"VpcId": "", "VSwitchId": "", "ZoneId": params.get("ZoneId", "")}
        vswitch = self.state.vswitch(vswitch_id.split(",")[0])
        vpc_id = params.get("VPCId", "") or vswitch["VpcId"]
        if vswitch["VpcId"] != vpc_id:
            raise CloudError(
                400, "InvalidVPCId.Mismatch", "The vSwitch does not belong to the specified VPC."
            )
        return {"VpcId": vpc_id, "VSwitchId": vswitch["VSwitchId"], "ZoneId": vswitch["ZoneId"]}

    def do_CreateDBInstance(self, params: Params) -> dict[str, Any]:
        where = region(params)
        token = params.get("ClientToken", "")
        with self.store.lock:
            earlier = next(
                (d for d in self.store.values("rds") if token and d["_token"] == token), None
            )
            if earlier is not None:
                return self._created(earlier)
            record = self._record(params, where, token)
            self.store.put("rds", record["DBInstanceId"], record)
        return self._created(record)

    def _record(self, params: Params, where: str, token: str) -> dict[str, Any]:
        """A new instance's record, after the checks CreateDBInstance makes."""
        engine, version, db_class = self._check_engine(params)
        storage = integer(params, "DBInstanceStorage", 0, 20, 32000)
        for name in ("DBInstanceStorage", "DBInstanceNetType", "SecurityIPList"):
            required(params, name)
        prefix, word, port = PREFIX[engine]
        instance_id = f"{prefix}{self.store.new_id()}"
        return {
            "DBInstanceId": instance_id,
            "DBInstanceDescription": params.get("DBInstanceDescription", instance_id),
            "Engine": engine,
            "EngineVersion": version,
            "DBInstanceClass": db_class,
            "DBInstanceStorage": storage,
            "DBInstanceStorageType": params.get("DBInstanceStorageType", "cloud_essd"),
            "Category": params.get("Category", "Basic"),
            "PayType": params.get("PayType", "Postpaid"),
            "RegionId": where,
            "InstanceNetworkType": "VPC" if params.get("VSwitchId") else "Classic",
            "DBInstanceNetType": params["DBInstanceNetType"],
            "SecurityIPList": params["SecurityIPList"],
            "ConnectionString": f"{instance_id}.{word}.rds.aliyuncs.com",
            "Port": str(port),
            "DBInstanceType": "Primary",
            **self._placement(params),
            "_token": token,
            "_tags": tags_in(params),
            "_transition": Transition(("Creating", "Running"), STEP),
            "_backup": {
                "BackupRetentionPeriod": "7",
                "PreferredBackupTime": "00:00Z-01:00Z",
                "PreferredBackupPeriod": "Monday,Wednesday,Friday,Saturday,Sunday",
            },
            "_databases": {},
            "_accounts": {},
        }

    @staticmethod
    def _created(record: dict[str, Any]) -> dict[str, Any]:
        return {
            "DBInstanceId": record["DBInstanceId"],
            "ConnectionString": record["ConnectionString"],
            "Port": record["Port"],
            "OrderId": "1",
        }

    def _view(self, db: dict[str, Any]) -> dict[str, Any]:
        return {
            **public(db),
            "DBInstanceStatus": status_of(db),
            "VpcCloudInstanceId": db["DBInstanceId"],
            "Tags": tag_view(db["_tags"], "TagKey", "TagValue"),
        }

    def do_DescribeDBInstances(self, params: Params) -> dict[str, Any]:
        where = region(params)
        ids = id_list(params, "DBInstanceId", limit=30)
        wanted = json.loads(params["Tags"]) if params.get("Tags") else {}
        found = [
            d
            for d in self.store.values("rds")
            if d["RegionId"] == where
            and (ids is None or d["DBInstanceId"] in ids)
            and all(d["_tags"].get(k) == v for k, v in wanted.items())
            and (not params.get("Engine") or d["Engine"] == params["Engine"])
            and (not params.get("VpcId") or d["VpcId"] == params["VpcId"])
        ]
        chosen, keys = page(
            sorted(found, key=lambda d: d["DBInstanceId"]), params, max_size=100, default=30
        )
        return {
            "Items": {"DBInstance": [self._view(d) for d in chosen]},
            **keys,
            "PageRecordCount": len(chosen),
        }

    def do_DescribeDBInstanceAttribute(self, params: Params) -> dict[str, Any]:
        ids = id_list(params, "DBInstanceId", limit=30) or [required(params, "DBInstanceId")]
        items = [self._view(self.db(i)) for i in ids]
        return {"Items": {"DBInstanceAttribute": items}}

    def do_ModifyDBInstanceSpec(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            if status_of(db) != "Running":
                raise CloudError(
                    403,
                    "IncorrectDBInstanceState",
                    "Current DB instance state does not support this operation.",
                )
            if params.get("DBInstanceClass"):
                self._check_engine(
                    {**params, "Engine": db["Engine"], "EngineVersion": db["EngineVersion"]}
                )
                db["DBInstanceClass"] = params["DBInstanceClass"]
            if params.get("DBInstanceStorage"):
                storage = integer(params, "DBInstanceStorage", 0, 20, 32000)
                if storage < db["DBInstanceStorage"]:
                    raise CloudError(
                        400, "InvalidDBInstanceStorage.Decrease", "Storage cannot be decreased."
                    )
                db["DBInstanceStorage"] = storage
            db["_transition"] = Transition(("DBInstanceClassChanging", "Running"), STEP)
        return {"OrderId": "2"}

    def do_ModifyDBInstanceDescription(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            self.db(required(params, "DBInstanceId"))["DBInstanceDescription"] = required(
                params, "DBInstanceDescription"
            )
        return {}

    def do_DeleteDBInstance(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            if status_of(db) not in ("Running", "Stopped"):
                raise CloudError(
                    403,
                    "IncorrectDBInstanceState",
                    "Current DB instance state does not support this operation.",
                )
            self.store.remove("rds", db["DBInstanceId"])
        return {}

    # ------------------------------------------------------------ backups

    def do_ModifyBackupPolicy(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            window = params.get("PreferredBackupTime", "")
            if window and not WINDOW.match(window):
                raise CloudError(
                    400,
                    "InvalidPreferredBackupTime.Malformed",
                    f"Specified PreferredBackupTime {window} is not valid.",
                )
            if params.get("BackupRetentionPeriod"):
                integer(params, "BackupRetentionPeriod", 7, 7, 730)
            for name in ("BackupRetentionPeriod", "PreferredBackupTime", "PreferredBackupPeriod"):
                if params.get(name):
                    db["_backup"][name] = params[name]
        return {"DBInstanceID": db["DBInstanceId"]}

    def do_DescribeBackupPolicy(self, params: Params) -> dict[str, Any]:
        db = self.db(required(params, "DBInstanceId"))
        return dict(db["_backup"])

    # ------------------------------------------------------------ databases and accounts

    def do_CreateDatabase(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            name = required(params, "DBName")
            if not NAME.match(name):
                raise CloudError(
                    400, "InvalidDBName.Format", f"Specified DBName {name} is not valid."
                )
            if name in db["_databases"]:
                raise CloudError(
                    400, "InvalidDBName.Duplicate", f"Specified DBName {name} already exists."
                )
            db["_databases"][name] = {
                "DBName": name,
                "CharacterSetName": required(params, "CharacterSetName"),
                "DBStatus": "Running",
                "DBDescription": params.get("DBDescription", ""),
                "Engine": db["Engine"],
            }
        return {}

    def do_DescribeDatabases(self, params: Params) -> dict[str, Any]:
        db = self.db(required(params, "DBInstanceId"))
        wanted = params.get("DBName", "")
        items = [d for name, d in db["_databases"].items() if not wanted or name == wanted]
        return {"Databases": {"Database": items}}

    def do_DeleteDatabase(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            if db["_databases"].pop(required(params, "DBName"), None) is None:
                raise CloudError(
                    404, "InvalidDBName.NotFound", "Specified database does not exist."
                )
        return {}

    def do_CreateAccount(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            name = required(params, "AccountName")
            password = required(params, "AccountPassword")
            if not NAME.match(name) or name in ("postgres", "root", "admin"):
                raise CloudError(
                    400,
                    "InvalidAccountName.Malformed",
                    f"Specified AccountName {name} is not valid.",
                )
            if not 8 <= len(password) <= 32:
                raise CloudError(
                    400,
                    "InvalidAccountPassword.Malformed",
                    "Specified AccountPassword is not valid.",
                )
            if name in db["_accounts"]:
                raise CloudError(
                    400, "InvalidAccountName.Duplicate", f"Specified account {name} already exists."
                )
            db["_accounts"][name] = {
                "AccountName": name,
                "AccountType": params.get("AccountType", "Normal"),
                "AccountStatus": "Available",
                "AccountDescription": params.get("AccountDescription", ""),
                "_password": password,
            }
        return {}

    def do_DescribeAccounts(self, params: Params) -> dict[str, Any]:
        db = self.db(required(params, "DBInstanceId"))
        wanted = params.get("AccountName", "")
        items = [public(a) for name, a in db["_accounts"].items() if not wanted or name == wanted]
        return {"Accounts": {"DBInstanceAccount": items}}

    def do_ResetAccountPassword(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            account = db["_accounts"].get(required(params, "AccountName"))
            if account is None:
                raise CloudError(
                    404, "InvalidAccountName.NotFound", "Specified account does not exist."
                )
            account["_password"] = required(params, "AccountPassword")
        return {}

    def do_DeleteAccount(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            db = self.db(required(params, "DBInstanceId"))
            if db["_accounts"].pop(required(params, "AccountName"), None) is None:
                raise CloudError(
                    404, "InvalidAccountName.NotFound", "Specified account does not exist."
                )
        return {}

    # ------------------------------------------------------------ tags

    def do_TagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self.db, params)

    def do_UntagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self.db, params, untag=True)
