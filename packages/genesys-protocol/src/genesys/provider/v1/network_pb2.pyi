from genesys.provider.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateNetworkRequest(_message.Message):
    __slots__ = ("config", "idempotency_token", "resume_interrupted")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERRUPTED_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.NetworkConfig
    idempotency_token: str
    resume_interrupted: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.NetworkConfig, _Mapping]] = ..., idempotency_token: _Optional[str] = ..., resume_interrupted: _Optional[bool] = ...) -> None: ...

class UpdateNetworkRequest(_message.Message):
    __slots__ = ("id", "private", "config", "changed")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    config: _common_pb2.NetworkConfig
    changed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ..., config: _Optional[_Union[_common_pb2.NetworkConfig, _Mapping]] = ..., changed: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateSubnetRequest(_message.Message):
    __slots__ = ("config", "idempotency_token", "resume_interrupted")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERRUPTED_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.SubnetConfig
    idempotency_token: str
    resume_interrupted: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.SubnetConfig, _Mapping]] = ..., idempotency_token: _Optional[str] = ..., resume_interrupted: _Optional[bool] = ...) -> None: ...

class UpdateSubnetRequest(_message.Message):
    __slots__ = ("id", "private", "config", "changed")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    config: _common_pb2.SubnetConfig
    changed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ..., config: _Optional[_Union[_common_pb2.SubnetConfig, _Mapping]] = ..., changed: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateSecurityGroupRequest(_message.Message):
    __slots__ = ("config", "idempotency_token", "resume_interrupted")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERRUPTED_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.SecurityGroupConfig
    idempotency_token: str
    resume_interrupted: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.SecurityGroupConfig, _Mapping]] = ..., idempotency_token: _Optional[str] = ..., resume_interrupted: _Optional[bool] = ...) -> None: ...

class UpdateSecurityGroupRequest(_message.Message):
    __slots__ = ("id", "private", "config", "changed")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    config: _common_pb2.SecurityGroupConfig
    changed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ..., config: _Optional[_Union[_common_pb2.SecurityGroupConfig, _Mapping]] = ..., changed: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateLoadBalancerRequest(_message.Message):
    __slots__ = ("config", "idempotency_token", "resume_interrupted")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERRUPTED_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.LoadBalancerConfig
    idempotency_token: str
    resume_interrupted: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.LoadBalancerConfig, _Mapping]] = ..., idempotency_token: _Optional[str] = ..., resume_interrupted: _Optional[bool] = ...) -> None: ...

class UpdateLoadBalancerRequest(_message.Message):
    __slots__ = ("id", "private", "config", "changed")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    config: _common_pb2.LoadBalancerConfig
    changed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ..., config: _Optional[_Union[_common_pb2.LoadBalancerConfig, _Mapping]] = ..., changed: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateCdnRequest(_message.Message):
    __slots__ = ("config", "idempotency_token", "resume_interrupted")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERRUPTED_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.CdnConfig
    idempotency_token: str
    resume_interrupted: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.CdnConfig, _Mapping]] = ..., idempotency_token: _Optional[str] = ..., resume_interrupted: _Optional[bool] = ...) -> None: ...

class UpdateCdnRequest(_message.Message):
    __slots__ = ("id", "private", "config", "changed")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    config: _common_pb2.CdnConfig
    changed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ..., config: _Optional[_Union[_common_pb2.CdnConfig, _Mapping]] = ..., changed: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateCertificateRequest(_message.Message):
    __slots__ = ("config", "idempotency_token", "resume_interrupted")
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERRUPTED_FIELD_NUMBER: _ClassVar[int]
    config: _common_pb2.CertificateConfig
    idempotency_token: str
    resume_interrupted: bool
    def __init__(self, config: _Optional[_Union[_common_pb2.CertificateConfig, _Mapping]] = ..., idempotency_token: _Optional[str] = ..., resume_interrupted: _Optional[bool] = ...) -> None: ...
