"""CAM (cam.tencentcloudapi.com, 2019-01-16): who the caller is. `GetUserAppId` gives the
APPID that COS bucket names end with and that `${account_id}` means for Tencent."""

from __future__ import annotations

from genesys_emulators.tencent.api import ActionService, Record


class Cam(ActionService):
    service = "cam"
    version = "2019-01-16"
    regional = False  # CAM is global: the SDK sends no region, or any

    def GetUserAppId(self, body: Record, region: str) -> Record:
        return {"Uin": self.world.uin, "OwnerUin": self.world.uin, "AppId": int(self.world.appid)}
