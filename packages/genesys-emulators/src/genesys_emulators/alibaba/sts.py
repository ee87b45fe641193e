"""STS (Version 2015-04-01): GetCallerIdentity, the account id behind `${account_id}`."""

from __future__ import annotations

from typing import Any

from genesys_emulators.alibaba.rpc import Params, RpcDialect, RpcService
from genesys_emulators.core import FaultPlan


class Sts(RpcService):
    version = "2015-04-01"
    product = "Sts"
    regional = False
    dialect = RpcDialect("sts.aliyuncs.com")

    def __init__(self, account: str, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.account = account

    def do_GetCallerIdentity(self, params: Params) -> dict[str, Any]:
        return {
            "AccountId": self.account,
            "UserId": self.account,
            "PrincipalId": self.account,
            "IdentityType": "Account",
            "Arn": f"acs:ram::{self.account}:root",
        }
