import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from genesys.provider.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetMetadataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ProviderMetadata(_message.Message):
    __slots__ = ("name", "version", "protocol_version", "capabilities", "max_parallelism", "supports_state_store", "state_backends", "outcomes", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    MAX_PARALLELISM_FIELD_NUMBER: _ClassVar[int]
    SUPPORTS_STATE_STORE_FIELD_NUMBER: _ClassVar[int]
    STATE_BACKENDS_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    protocol_version: int
    capabilities: _containers.RepeatedScalarFieldContainer[_common_pb2.ResourceKind]
    max_parallelism: int
    supports_state_store: bool
    state_backends: _containers.RepeatedScalarFieldContainer[str]
    outcomes: _containers.RepeatedScalarFieldContainer[str]
    description: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., protocol_version: _Optional[int] = ..., capabilities: _Optional[_Iterable[_Union[_common_pb2.ResourceKind, str]]] = ..., max_parallelism: _Optional[int] = ..., supports_state_store: _Optional[bool] = ..., state_backends: _Optional[_Iterable[str]] = ..., outcomes: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ...) -> None: ...

class GetSchemaRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AttributeSchema(_message.Message):
    __slots__ = ("name", "type", "description", "required", "force_new", "sensitive", "computed")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    FORCE_NEW_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_FIELD_NUMBER: _ClassVar[int]
    COMPUTED_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    description: str
    required: bool
    force_new: bool
    sensitive: bool
    computed: bool
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., description: _Optional[str] = ..., required: _Optional[bool] = ..., force_new: _Optional[bool] = ..., sensitive: _Optional[bool] = ..., computed: _Optional[bool] = ...) -> None: ...

class KindSchema(_message.Message):
    __slots__ = ("kind", "attributes")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    kind: _common_pb2.ResourceKind
    attributes: _containers.RepeatedCompositeFieldContainer[AttributeSchema]
    def __init__(self, kind: _Optional[_Union[_common_pb2.ResourceKind, str]] = ..., attributes: _Optional[_Iterable[_Union[AttributeSchema, _Mapping]]] = ...) -> None: ...

class TranslationTable(_message.Message):
    __slots__ = ("name", "entries")
    class EntriesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    entries: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., entries: _Optional[_Mapping[str, str]] = ...) -> None: ...

class PriceEntry(_message.Message):
    __slots__ = ("item", "usd", "unit")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    USD_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    item: str
    usd: float
    unit: str
    def __init__(self, item: _Optional[str] = ..., usd: _Optional[float] = ..., unit: _Optional[str] = ...) -> None: ...

class PriceTable(_message.Message):
    __slots__ = ("as_of", "region", "entries")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    as_of: str
    region: str
    entries: _containers.RepeatedCompositeFieldContainer[PriceEntry]
    def __init__(self, as_of: _Optional[str] = ..., region: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[PriceEntry, _Mapping]]] = ...) -> None: ...

class ProviderSchema(_message.Message):
    __slots__ = ("provider_settings", "kinds", "translations", "prices")
    PROVIDER_SETTINGS_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    TRANSLATIONS_FIELD_NUMBER: _ClassVar[int]
    PRICES_FIELD_NUMBER: _ClassVar[int]
    provider_settings: _containers.RepeatedCompositeFieldContainer[AttributeSchema]
    kinds: _containers.RepeatedCompositeFieldContainer[KindSchema]
    translations: _containers.RepeatedCompositeFieldContainer[TranslationTable]
    prices: _containers.RepeatedCompositeFieldContainer[PriceTable]
    def __init__(self, provider_settings: _Optional[_Iterable[_Union[AttributeSchema, _Mapping]]] = ..., kinds: _Optional[_Iterable[_Union[KindSchema, _Mapping]]] = ..., translations: _Optional[_Iterable[_Union[TranslationTable, _Mapping]]] = ..., prices: _Optional[_Iterable[_Union[PriceTable, _Mapping]]] = ...) -> None: ...

class ConfigureRequest(_message.Message):
    __slots__ = ("region", "project", "settings", "endpoints", "working_dir")
    class EndpointsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REGION_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    WORKING_DIR_FIELD_NUMBER: _ClassVar[int]
    region: str
    project: str
    settings: _struct_pb2.Struct
    endpoints: _containers.ScalarMap[str, str]
    working_dir: str
    def __init__(self, region: _Optional[str] = ..., project: _Optional[str] = ..., settings: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., endpoints: _Optional[_Mapping[str, str]] = ..., working_dir: _Optional[str] = ...) -> None: ...

class ConfigureResponse(_message.Message):
    __slots__ = ("diagnostics",)
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    def __init__(self, diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ...) -> None: ...

class ValidateResponse(_message.Message):
    __slots__ = ("diagnostics",)
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    def __init__(self, diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ...) -> None: ...

class AuthenticateRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Identity(_message.Message):
    __slots__ = ("account_id", "project_id", "region", "principal")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    project_id: str
    region: str
    principal: str
    def __init__(self, account_id: _Optional[str] = ..., project_id: _Optional[str] = ..., region: _Optional[str] = ..., principal: _Optional[str] = ...) -> None: ...

class ValidateResourcesRequest(_message.Message):
    __slots__ = ("resources",)
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    resources: _containers.RepeatedCompositeFieldContainer[_common_pb2.Resource]
    def __init__(self, resources: _Optional[_Iterable[_Union[_common_pb2.Resource, _Mapping]]] = ...) -> None: ...

class PlanItem(_message.Message):
    __slots__ = ("address", "desired", "prior", "unknown_attributes")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DESIRED_FIELD_NUMBER: _ClassVar[int]
    PRIOR_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    address: str
    desired: _common_pb2.Resource
    prior: _common_pb2.Resource
    unknown_attributes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, address: _Optional[str] = ..., desired: _Optional[_Union[_common_pb2.Resource, _Mapping]] = ..., prior: _Optional[_Union[_common_pb2.Resource, _Mapping]] = ..., unknown_attributes: _Optional[_Iterable[str]] = ...) -> None: ...

class CostEstimate(_message.Message):
    __slots__ = ("monthly_usd", "hourly_usd", "components", "unknown")
    MONTHLY_USD_FIELD_NUMBER: _ClassVar[int]
    HOURLY_USD_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    monthly_usd: float
    hourly_usd: float
    components: _containers.RepeatedScalarFieldContainer[str]
    unknown: bool
    def __init__(self, monthly_usd: _Optional[float] = ..., hourly_usd: _Optional[float] = ..., components: _Optional[_Iterable[str]] = ..., unknown: _Optional[bool] = ...) -> None: ...

class PlannedResource(_message.Message):
    __slots__ = ("index", "translated", "requires_replace", "diagnostics", "cost")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TRANSLATED_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_REPLACE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    index: int
    translated: _common_pb2.Resource
    requires_replace: _containers.RepeatedScalarFieldContainer[str]
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    cost: CostEstimate
    def __init__(self, index: _Optional[int] = ..., translated: _Optional[_Union[_common_pb2.Resource, _Mapping]] = ..., requires_replace: _Optional[_Iterable[str]] = ..., diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ..., cost: _Optional[_Union[CostEstimate, _Mapping]] = ...) -> None: ...

class PlanResourcesRequest(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[PlanItem]
    def __init__(self, items: _Optional[_Iterable[_Union[PlanItem, _Mapping]]] = ...) -> None: ...

class PlanResourcesResponse(_message.Message):
    __slots__ = ("resources",)
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    resources: _containers.RepeatedCompositeFieldContainer[PlannedResource]
    def __init__(self, resources: _Optional[_Iterable[_Union[PlannedResource, _Mapping]]] = ...) -> None: ...

class ReadResourcesRequest(_message.Message):
    __slots__ = ("refs",)
    REFS_FIELD_NUMBER: _ClassVar[int]
    refs: _containers.RepeatedCompositeFieldContainer[_common_pb2.ResourceRef]
    def __init__(self, refs: _Optional[_Iterable[_Union[_common_pb2.ResourceRef, _Mapping]]] = ...) -> None: ...

class ReadResourcesResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ReadResult]
    def __init__(self, results: _Optional[_Iterable[_Union[ReadResult, _Mapping]]] = ...) -> None: ...

class ReadResult(_message.Message):
    __slots__ = ("index", "resource", "not_found", "error")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    NOT_FOUND_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    index: int
    resource: _common_pb2.Resource
    not_found: bool
    error: _common_pb2.ErrorDetail
    def __init__(self, index: _Optional[int] = ..., resource: _Optional[_Union[_common_pb2.Resource, _Mapping]] = ..., not_found: _Optional[bool] = ..., error: _Optional[_Union[_common_pb2.ErrorDetail, _Mapping]] = ...) -> None: ...

class ShutdownRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ShutdownResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StateLocation(_message.Message):
    __slots__ = ("backend", "config", "workspace")
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    WORKSPACE_FIELD_NUMBER: _ClassVar[int]
    backend: str
    config: _struct_pb2.Struct
    workspace: str
    def __init__(self, backend: _Optional[str] = ..., config: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., workspace: _Optional[str] = ...) -> None: ...

class ReadStateRequest(_message.Message):
    __slots__ = ("location", "key", "version")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    key: str
    version: str
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., key: _Optional[str] = ..., version: _Optional[str] = ...) -> None: ...

class StateObject(_message.Message):
    __slots__ = ("key", "data", "version")
    KEY_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    key: str
    data: bytes
    version: str
    def __init__(self, key: _Optional[str] = ..., data: _Optional[bytes] = ..., version: _Optional[str] = ...) -> None: ...

class WriteStateRequest(_message.Message):
    __slots__ = ("location", "key", "data", "expected_version")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    key: str
    data: bytes
    expected_version: str
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., key: _Optional[str] = ..., data: _Optional[bytes] = ..., expected_version: _Optional[str] = ...) -> None: ...

class WriteStateResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: str
    def __init__(self, version: _Optional[str] = ...) -> None: ...

class DeleteStateRequest(_message.Message):
    __slots__ = ("location", "key")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    key: str
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., key: _Optional[str] = ...) -> None: ...

class DeleteStateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListStateKeysRequest(_message.Message):
    __slots__ = ("location", "prefix")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    prefix: str
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., prefix: _Optional[str] = ...) -> None: ...

class StateKey(_message.Message):
    __slots__ = ("key", "version", "size")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    key: str
    version: str
    size: int
    def __init__(self, key: _Optional[str] = ..., version: _Optional[str] = ..., size: _Optional[int] = ...) -> None: ...

class LockInfo(_message.Message):
    __slots__ = ("id", "operation", "who", "pid", "created", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    operation: str
    who: str
    pid: int
    created: _timestamp_pb2.Timestamp
    version: str
    def __init__(self, id: _Optional[str] = ..., operation: _Optional[str] = ..., who: _Optional[str] = ..., pid: _Optional[int] = ..., created: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[str] = ...) -> None: ...

class LockRequest(_message.Message):
    __slots__ = ("location", "info", "replace_lock_id")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    REPLACE_LOCK_ID_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    info: LockInfo
    replace_lock_id: str
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., info: _Optional[_Union[LockInfo, _Mapping]] = ..., replace_lock_id: _Optional[str] = ...) -> None: ...

class LockResponse(_message.Message):
    __slots__ = ("acquired", "holder")
    ACQUIRED_FIELD_NUMBER: _ClassVar[int]
    HOLDER_FIELD_NUMBER: _ClassVar[int]
    acquired: bool
    holder: LockInfo
    def __init__(self, acquired: _Optional[bool] = ..., holder: _Optional[_Union[LockInfo, _Mapping]] = ...) -> None: ...

class UnlockRequest(_message.Message):
    __slots__ = ("location", "lock_id", "force")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    LOCK_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    lock_id: str
    force: bool
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., lock_id: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class UnlockResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListStateVersionsRequest(_message.Message):
    __slots__ = ("location", "key")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    key: str
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., key: _Optional[str] = ...) -> None: ...

class StateVersion(_message.Message):
    __slots__ = ("version", "modified", "size")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MODIFIED_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    version: str
    modified: _timestamp_pb2.Timestamp
    size: int
    def __init__(self, version: _Optional[str] = ..., modified: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., size: _Optional[int] = ...) -> None: ...

class GenerateDataKeyRequest(_message.Message):
    __slots__ = ("location", "key_id", "context")
    class ContextEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    key_id: str
    context: _containers.ScalarMap[str, str]
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., key_id: _Optional[str] = ..., context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class GenerateDataKeyResponse(_message.Message):
    __slots__ = ("plaintext", "wrapped", "key_id")
    PLAINTEXT_FIELD_NUMBER: _ClassVar[int]
    WRAPPED_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    plaintext: bytes
    wrapped: bytes
    key_id: str
    def __init__(self, plaintext: _Optional[bytes] = ..., wrapped: _Optional[bytes] = ..., key_id: _Optional[str] = ...) -> None: ...

class DecryptDataKeyRequest(_message.Message):
    __slots__ = ("location", "key_id", "wrapped", "context")
    class ContextEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    WRAPPED_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    location: StateLocation
    key_id: str
    wrapped: bytes
    context: _containers.ScalarMap[str, str]
    def __init__(self, location: _Optional[_Union[StateLocation, _Mapping]] = ..., key_id: _Optional[str] = ..., wrapped: _Optional[bytes] = ..., context: _Optional[_Mapping[str, str]] = ...) -> None: ...

class DecryptDataKeyResponse(_message.Message):
    __slots__ = ("plaintext",)
    PLAINTEXT_FIELD_NUMBER: _ClassVar[int]
    plaintext: bytes
    def __init__(self, plaintext: _Optional[bytes] = ...) -> None: ...
