from genesys.provider.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateInstanceRequest(_message.Message):
    __slots__ = ("config", "idempotency_token", "resume_interrupted")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERRUPTED_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.InstanceConfig
    idempotency_token: str
    resume_interrupted: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.InstanceConfig, _Mapping]] = ..., idempotency_token: _Optional[str] = ..., resume_interrupted: _Optional[bool] = ...) -> None: ...

class UpdateInstanceRequest(_message.Message):
    __slots__ = ("id", "private", "config", "changed")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    config: _common_pb2.InstanceConfig
    changed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ..., config: _Optional[_Union[_common_pb2.InstanceConfig, _Mapping]] = ..., changed: _Optional[_Iterable[str]] = ...) -> None: ...
