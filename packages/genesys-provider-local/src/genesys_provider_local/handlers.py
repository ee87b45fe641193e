"""The local provider's kinds as the SDK's handlers: the SDK generates the five resource
servicers from them (see genesys_plugin_sdk.servicers).

`KindOps` already implements every verb over the registry; `OpsHandler` only adapts the
request shapes (Update passes the whole request, Get a private the registry does not need).
Attachments are not a `KindOps` (attach/detach link files), so they get their own adapter.
ReadResources stays the provider's own: it reads the registry rows, not per-kind handlers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk.handlers import KindHandler

from genesys_provider_local.attachments import AttachmentOps
from genesys_provider_local.kinds import KINDS
from genesys_provider_local.ops import KindOps


class OpsHandler(KindHandler):
    """Every verb of one kind, served by its KindOps."""

    def __init__(self, ops: KindOps[Any]) -> None:
        self.ops = ops
        self.field = KINDS[ops.kind].field

    def create(self, config: Any, token: str) -> Any:
        return self.ops.create(config, token)

    def get(self, resource_id: str, private: bytes = b"") -> Any:
        return self.ops.get(resource_id)

    def update(self, request: Any) -> Any:
        return self.ops.update(request.id, request.config, request.changed)

    def delete(self, resource_id: str) -> None:
        self.ops.delete(resource_id)

    def list(self, filters: Mapping[str, str]) -> Iterable[Any]:
        return self.ops.list(filters)

    def discover(self, filters: Mapping[str, str]) -> Iterable[Any]:
        return self.ops.discover(filters)

    def adopt(self, resource_id: str) -> Any:
        return self.ops.adopt(resource_id)


class AttachmentHandler(KindHandler):
    """AttachVolume / GetVolumeAttachment / DetachVolume."""

    field = "volume_attachment"

    def __init__(self, ops: AttachmentOps) -> None:
        self.ops = ops

    def create(self, config: Any, token: str) -> Any:
        # An attachment has no config message: `config` is the AttachVolumeRequest.
        return self.ops.attach(config.volume_id, config.instance_id, config.device, token)

    def get(self, resource_id: str, private: bytes = b"") -> Any:
        return self.ops.get(resource_id)

    def delete(self, resource_id: str) -> None:
        self.ops.detach(resource_id)


def invoke_rpc(functions: Any) -> Any:
    """InvokeFunction, the serverless RPC that is not a kind verb."""

    def invoke(request: Any, context: Any) -> serverless_pb2.InvokeFunctionResponse:
        return functions.invoke(request.id, request.payload)

    return invoke
