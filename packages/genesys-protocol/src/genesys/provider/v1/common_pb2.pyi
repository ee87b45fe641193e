import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Size(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIZE_UNSPECIFIED: _ClassVar[Size]
    SIZE_SMALL: _ClassVar[Size]
    SIZE_MEDIUM: _ClassVar[Size]
    SIZE_LARGE: _ClassVar[Size]
    SIZE_XLARGE: _ClassVar[Size]

class ResourceKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOURCE_KIND_UNSPECIFIED: _ClassVar[ResourceKind]
    RESOURCE_KIND_INSTANCE: _ClassVar[ResourceKind]
    RESOURCE_KIND_BUCKET: _ClassVar[ResourceKind]
    RESOURCE_KIND_VOLUME: _ClassVar[ResourceKind]
    RESOURCE_KIND_VOLUME_ATTACHMENT: _ClassVar[ResourceKind]
    RESOURCE_KIND_NETWORK: _ClassVar[ResourceKind]
    RESOURCE_KIND_SUBNET: _ClassVar[ResourceKind]
    RESOURCE_KIND_SECURITY_GROUP: _ClassVar[ResourceKind]
    RESOURCE_KIND_LOAD_BALANCER: _ClassVar[ResourceKind]
    RESOURCE_KIND_DATABASE: _ClassVar[ResourceKind]
    RESOURCE_KIND_FUNCTION: _ClassVar[ResourceKind]
    RESOURCE_KIND_LAYER: _ClassVar[ResourceKind]
    RESOURCE_KIND_CDN: _ClassVar[ResourceKind]
    RESOURCE_KIND_CERTIFICATE: _ClassVar[ResourceKind]

class ErrorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_KIND_UNSPECIFIED: _ClassVar[ErrorKind]
    ERROR_KIND_NOT_FOUND: _ClassVar[ErrorKind]
    ERROR_KIND_ALREADY_EXISTS: _ClassVar[ErrorKind]
    ERROR_KIND_INVALID_ARGUMENT: _ClassVar[ErrorKind]
    ERROR_KIND_UNAUTHENTICATED: _ClassVar[ErrorKind]
    ERROR_KIND_PERMISSION_DENIED: _ClassVar[ErrorKind]
    ERROR_KIND_THROTTLED: _ClassVar[ErrorKind]
    ERROR_KIND_UNAVAILABLE: _ClassVar[ErrorKind]
    ERROR_KIND_FAILED_PRECONDITION: _ClassVar[ErrorKind]
    ERROR_KIND_UNIMPLEMENTED: _ClassVar[ErrorKind]

class DatabaseEngine(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATABASE_ENGINE_UNSPECIFIED: _ClassVar[DatabaseEngine]
    DATABASE_ENGINE_POSTGRES: _ClassVar[DatabaseEngine]
    DATABASE_ENGINE_MYSQL: _ClassVar[DatabaseEngine]
    DATABASE_ENGINE_MONGODB: _ClassVar[DatabaseEngine]
    DATABASE_ENGINE_SQLITE: _ClassVar[DatabaseEngine]
SIZE_UNSPECIFIED: Size
SIZE_SMALL: Size
SIZE_MEDIUM: Size
SIZE_LARGE: Size
SIZE_XLARGE: Size
RESOURCE_KIND_UNSPECIFIED: ResourceKind
RESOURCE_KIND_INSTANCE: ResourceKind
RESOURCE_KIND_BUCKET: ResourceKind
RESOURCE_KIND_VOLUME: ResourceKind
RESOURCE_KIND_VOLUME_ATTACHMENT: ResourceKind
RESOURCE_KIND_NETWORK: ResourceKind
RESOURCE_KIND_SUBNET: ResourceKind
RESOURCE_KIND_SECURITY_GROUP: ResourceKind
RESOURCE_KIND_LOAD_BALANCER: ResourceKind
RESOURCE_KIND_DATABASE: ResourceKind
RESOURCE_KIND_FUNCTION: ResourceKind
RESOURCE_KIND_LAYER: ResourceKind
RESOURCE_KIND_CDN: ResourceKind
RESOURCE_KIND_CERTIFICATE: ResourceKind
ERROR_KIND_UNSPECIFIED: ErrorKind
ERROR_KIND_NOT_FOUND: ErrorKind
ERROR_KIND_ALREADY_EXISTS: ErrorKind
ERROR_KIND_INVALID_ARGUMENT: ErrorKind
ERROR_KIND_UNAUTHENTICATED: ErrorKind
ERROR_KIND_PERMISSION_DENIED: ErrorKind
ERROR_KIND_THROTTLED: ErrorKind
ERROR_KIND_UNAVAILABLE: ErrorKind
ERROR_KIND_FAILED_PRECONDITION: ErrorKind
ERROR_KIND_UNIMPLEMENTED: ErrorKind
DATABASE_ENGINE_UNSPECIFIED: DatabaseEngine
DATABASE_ENGINE_POSTGRES: DatabaseEngine
DATABASE_ENGINE_MYSQL: DatabaseEngine
DATABASE_ENGINE_MONGODB: DatabaseEngine
DATABASE_ENGINE_SQLITE: DatabaseEngine

class ResourceRef(_message.Message):
    __slots__ = ("kind", "id", "private", "idempotency_token")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    kind: ResourceKind
    id: str
    private: bytes
    idempotency_token: str
    def __init__(self, kind: _Optional[_Union[ResourceKind, str]] = ..., id: _Optional[str] = ..., private: _Optional[bytes] = ..., idempotency_token: _Optional[str] = ...) -> None: ...

class Resource(_message.Message):
    __slots__ = ("instance", "bucket", "volume", "volume_attachment", "network", "subnet", "security_group", "load_balancer", "database", "function", "layer", "cdn", "certificate")
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    BUCKET_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    VOLUME_ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    SUBNET_FIELD_NUMBER: _ClassVar[int]
    SECURITY_GROUP_FIELD_NUMBER: _ClassVar[int]
    LOAD_BALANCER_FIELD_NUMBER: _ClassVar[int]
    DATABASE_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    CDN_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    instance: Instance
    bucket: Bucket
    volume: Volume
    volume_attachment: VolumeAttachment
    network: Network
    subnet: Subnet
    security_group: SecurityGroup
    load_balancer: LoadBalancer
    database: Database
    function: Function
    layer: Layer
    cdn: Cdn
    certificate: Certificate
    def __init__(self, instance: _Optional[_Union[Instance, _Mapping]] = ..., bucket: _Optional[_Union[Bucket, _Mapping]] = ..., volume: _Optional[_Union[Volume, _Mapping]] = ..., volume_attachment: _Optional[_Union[VolumeAttachment, _Mapping]] = ..., network: _Optional[_Union[Network, _Mapping]] = ..., subnet: _Optional[_Union[Subnet, _Mapping]] = ..., security_group: _Optional[_Union[SecurityGroup, _Mapping]] = ..., load_balancer: _Optional[_Union[LoadBalancer, _Mapping]] = ..., database: _Optional[_Union[Database, _Mapping]] = ..., function: _Optional[_Union[Function, _Mapping]] = ..., layer: _Optional[_Union[Layer, _Mapping]] = ..., cdn: _Optional[_Union[Cdn, _Mapping]] = ..., certificate: _Optional[_Union[Certificate, _Mapping]] = ...) -> None: ...

class ErrorDetail(_message.Message):
    __slots__ = ("kind", "message", "attribute_path", "retry_after", "provider_code")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_PATH_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_CODE_FIELD_NUMBER: _ClassVar[int]
    kind: ErrorKind
    message: str
    attribute_path: str
    retry_after: _duration_pb2.Duration
    provider_code: str
    def __init__(self, kind: _Optional[_Union[ErrorKind, str]] = ..., message: _Optional[str] = ..., attribute_path: _Optional[str] = ..., retry_after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., provider_code: _Optional[str] = ...) -> None: ...

class Diagnostic(_message.Message):
    __slots__ = ("severity", "summary", "detail", "attribute_path", "index")
    class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SEVERITY_UNSPECIFIED: _ClassVar[Diagnostic.Severity]
        SEVERITY_ERROR: _ClassVar[Diagnostic.Severity]
        SEVERITY_WARNING: _ClassVar[Diagnostic.Severity]
    SEVERITY_UNSPECIFIED: Diagnostic.Severity
    SEVERITY_ERROR: Diagnostic.Severity
    SEVERITY_WARNING: Diagnostic.Severity
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_PATH_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    severity: Diagnostic.Severity
    summary: str
    detail: str
    attribute_path: str
    index: int
    def __init__(self, severity: _Optional[_Union[Diagnostic.Severity, str]] = ..., summary: _Optional[str] = ..., detail: _Optional[str] = ..., attribute_path: _Optional[str] = ..., index: _Optional[int] = ...) -> None: ...

class ListRequest(_message.Message):
    __slots__ = ("filters", "page_size")
    class FiltersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    filters: _containers.ScalarMap[str, str]
    page_size: int
    def __init__(self, filters: _Optional[_Mapping[str, str]] = ..., page_size: _Optional[int] = ...) -> None: ...

class DiscoverRequest(_message.Message):
    __slots__ = ("filters",)
    class FiltersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    filters: _containers.ScalarMap[str, str]
    def __init__(self, filters: _Optional[_Mapping[str, str]] = ...) -> None: ...

class AdoptRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetRequest(_message.Message):
    __slots__ = ("id", "private")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ...) -> None: ...

class DeleteRequest(_message.Message):
    __slots__ = ("id", "private")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    private: bytes
    def __init__(self, id: _Optional[str] = ..., private: _Optional[bytes] = ...) -> None: ...

class DeleteResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Instance(_message.Message):
    __slots__ = ("id", "name", "size", "provider_type", "image", "provider_image", "state", "private_ip", "public_ip", "network_id", "subnet_id", "security_group_ids", "user_data", "key_pair", "tags", "provider_data", "private", "zone")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_IMAGE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_IP_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_IP_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    SUBNET_ID_FIELD_NUMBER: _ClassVar[int]
    SECURITY_GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    KEY_PAIR_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    size: Size
    provider_type: str
    image: str
    provider_image: str
    state: str
    private_ip: str
    public_ip: str
    network_id: str
    subnet_id: str
    security_group_ids: _containers.RepeatedScalarFieldContainer[str]
    user_data: str
    key_pair: str
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    zone: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., size: _Optional[_Union[Size, str]] = ..., provider_type: _Optional[str] = ..., image: _Optional[str] = ..., provider_image: _Optional[str] = ..., state: _Optional[str] = ..., private_ip: _Optional[str] = ..., public_ip: _Optional[str] = ..., network_id: _Optional[str] = ..., subnet_id: _Optional[str] = ..., security_group_ids: _Optional[_Iterable[str]] = ..., user_data: _Optional[str] = ..., key_pair: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ..., zone: _Optional[str] = ...) -> None: ...

class InstanceConfig(_message.Message):
    __slots__ = ("name", "size", "image", "network_id", "subnet_id", "security_group_ids", "user_data", "key_pair", "tags", "zone", "provider_type")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    SUBNET_ID_FIELD_NUMBER: _ClassVar[int]
    SECURITY_GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    KEY_PAIR_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    size: Size
    image: str
    network_id: str
    subnet_id: str
    security_group_ids: _containers.RepeatedScalarFieldContainer[str]
    user_data: str
    key_pair: str
    tags: _containers.ScalarMap[str, str]
    zone: str
    provider_type: str
    def __init__(self, name: _Optional[str] = ..., size: _Optional[_Union[Size, str]] = ..., image: _Optional[str] = ..., network_id: _Optional[str] = ..., subnet_id: _Optional[str] = ..., security_group_ids: _Optional[_Iterable[str]] = ..., user_data: _Optional[str] = ..., key_pair: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., zone: _Optional[str] = ..., provider_type: _Optional[str] = ...) -> None: ...

class Lifecycle(_message.Message):
    __slots__ = ("delete_after_days",)
    DELETE_AFTER_DAYS_FIELD_NUMBER: _ClassVar[int]
    delete_after_days: int
    def __init__(self, delete_after_days: _Optional[int] = ...) -> None: ...

class Website(_message.Message):
    __slots__ = ("index_document", "error_document")
    INDEX_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ERROR_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    index_document: str
    error_document: str
    def __init__(self, index_document: _Optional[str] = ..., error_document: _Optional[str] = ...) -> None: ...

class Bucket(_message.Message):
    __slots__ = ("id", "name", "region", "versioning", "encryption", "encryption_algorithm", "public_access", "lifecycle", "website", "endpoint", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    VERSIONING_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTION_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTION_ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_ACCESS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    region: str
    versioning: bool
    encryption: bool
    encryption_algorithm: str
    public_access: bool
    lifecycle: Lifecycle
    website: Website
    endpoint: str
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., region: _Optional[str] = ..., versioning: _Optional[bool] = ..., encryption: _Optional[bool] = ..., encryption_algorithm: _Optional[str] = ..., public_access: _Optional[bool] = ..., lifecycle: _Optional[_Union[Lifecycle, _Mapping]] = ..., website: _Optional[_Union[Website, _Mapping]] = ..., endpoint: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class BucketConfig(_message.Message):
    __slots__ = ("name", "versioning", "encryption", "public_access", "lifecycle", "website", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSIONING_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTION_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_ACCESS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    versioning: bool
    encryption: bool
    public_access: bool
    lifecycle: Lifecycle
    website: Website
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., versioning: _Optional[bool] = ..., encryption: _Optional[bool] = ..., public_access: _Optional[bool] = ..., lifecycle: _Optional[_Union[Lifecycle, _Mapping]] = ..., website: _Optional[_Union[Website, _Mapping]] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Volume(_message.Message):
    __slots__ = ("id", "name", "size_gb", "volume_class", "provider_type", "encrypted", "zone", "state", "attached_instance_id", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_GB_FIELD_NUMBER: _ClassVar[int]
    VOLUME_CLASS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTED_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    size_gb: int
    volume_class: str
    provider_type: str
    encrypted: bool
    zone: str
    state: str
    attached_instance_id: str
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., size_gb: _Optional[int] = ..., volume_class: _Optional[str] = ..., provider_type: _Optional[str] = ..., encrypted: _Optional[bool] = ..., zone: _Optional[str] = ..., state: _Optional[str] = ..., attached_instance_id: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class VolumeConfig(_message.Message):
    __slots__ = ("name", "size_gb", "volume_class", "encrypted", "zone", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_GB_FIELD_NUMBER: _ClassVar[int]
    VOLUME_CLASS_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTED_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    size_gb: int
    volume_class: str
    encrypted: bool
    zone: str
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., size_gb: _Optional[int] = ..., volume_class: _Optional[str] = ..., encrypted: _Optional[bool] = ..., zone: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class VolumeAttachment(_message.Message):
    __slots__ = ("id", "volume_id", "instance_id", "device", "state", "private")
    ID_FIELD_NUMBER: _ClassVar[int]
    VOLUME_ID_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    volume_id: str
    instance_id: str
    device: str
    state: str
    private: bytes
    def __init__(self, id: _Optional[str] = ..., volume_id: _Optional[str] = ..., instance_id: _Optional[str] = ..., device: _Optional[str] = ..., state: _Optional[str] = ..., private: _Optional[bytes] = ...) -> None: ...

class Network(_message.Message):
    __slots__ = ("id", "name", "cidr", "subnet_ids", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CIDR_FIELD_NUMBER: _ClassVar[int]
    SUBNET_IDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    cidr: str
    subnet_ids: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., cidr: _Optional[str] = ..., subnet_ids: _Optional[_Iterable[str]] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class NetworkConfig(_message.Message):
    __slots__ = ("name", "cidr", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    CIDR_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    cidr: str
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., cidr: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Subnet(_message.Message):
    __slots__ = ("id", "name", "network_id", "cidr", "public", "zone", "available_ips", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    CIDR_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_IPS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    network_id: str
    cidr: str
    public: bool
    zone: str
    available_ips: int
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., network_id: _Optional[str] = ..., cidr: _Optional[str] = ..., public: _Optional[bool] = ..., zone: _Optional[str] = ..., available_ips: _Optional[int] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class SubnetConfig(_message.Message):
    __slots__ = ("name", "network_id", "cidr", "public", "zone", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    CIDR_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    ZONE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    network_id: str
    cidr: str
    public: bool
    zone: str
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., network_id: _Optional[str] = ..., cidr: _Optional[str] = ..., public: _Optional[bool] = ..., zone: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SecurityRule(_message.Message):
    __slots__ = ("protocol", "from_port", "to_port", "cidr_blocks", "source_security_group_id", "description")
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    FROM_PORT_FIELD_NUMBER: _ClassVar[int]
    TO_PORT_FIELD_NUMBER: _ClassVar[int]
    CIDR_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SECURITY_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    protocol: str
    from_port: int
    to_port: int
    cidr_blocks: _containers.RepeatedScalarFieldContainer[str]
    source_security_group_id: str
    description: str
    def __init__(self, protocol: _Optional[str] = ..., from_port: _Optional[int] = ..., to_port: _Optional[int] = ..., cidr_blocks: _Optional[_Iterable[str]] = ..., source_security_group_id: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class SecurityGroup(_message.Message):
    __slots__ = ("id", "name", "network_id", "description", "ingress", "egress", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INGRESS_FIELD_NUMBER: _ClassVar[int]
    EGRESS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    network_id: str
    description: str
    ingress: _containers.RepeatedCompositeFieldContainer[SecurityRule]
    egress: _containers.RepeatedCompositeFieldContainer[SecurityRule]
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., network_id: _Optional[str] = ..., description: _Optional[str] = ..., ingress: _Optional[_Iterable[_Union[SecurityRule, _Mapping]]] = ..., egress: _Optional[_Iterable[_Union[SecurityRule, _Mapping]]] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class SecurityGroupConfig(_message.Message):
    __slots__ = ("name", "network_id", "description", "ingress", "egress", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INGRESS_FIELD_NUMBER: _ClassVar[int]
    EGRESS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    network_id: str
    description: str
    ingress: _containers.RepeatedCompositeFieldContainer[SecurityRule]
    egress: _containers.RepeatedCompositeFieldContainer[SecurityRule]
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., network_id: _Optional[str] = ..., description: _Optional[str] = ..., ingress: _Optional[_Iterable[_Union[SecurityRule, _Mapping]]] = ..., egress: _Optional[_Iterable[_Union[SecurityRule, _Mapping]]] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Listener(_message.Message):
    __slots__ = ("protocol", "port", "target_port", "certificate_id")
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    TARGET_PORT_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    protocol: str
    port: int
    target_port: int
    certificate_id: str
    def __init__(self, protocol: _Optional[str] = ..., port: _Optional[int] = ..., target_port: _Optional[int] = ..., certificate_id: _Optional[str] = ...) -> None: ...

class LoadBalancer(_message.Message):
    __slots__ = ("id", "name", "network_id", "subnet_ids", "security_group_ids", "internal", "listeners", "target_instance_ids", "dns_name", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    SUBNET_IDS_FIELD_NUMBER: _ClassVar[int]
    SECURITY_GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    LISTENERS_FIELD_NUMBER: _ClassVar[int]
    TARGET_INSTANCE_IDS_FIELD_NUMBER: _ClassVar[int]
    DNS_NAME_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    network_id: str
    subnet_ids: _containers.RepeatedScalarFieldContainer[str]
    security_group_ids: _containers.RepeatedScalarFieldContainer[str]
    internal: bool
    listeners: _containers.RepeatedCompositeFieldContainer[Listener]
    target_instance_ids: _containers.RepeatedScalarFieldContainer[str]
    dns_name: str
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., network_id: _Optional[str] = ..., subnet_ids: _Optional[_Iterable[str]] = ..., security_group_ids: _Optional[_Iterable[str]] = ..., internal: _Optional[bool] = ..., listeners: _Optional[_Iterable[_Union[Listener, _Mapping]]] = ..., target_instance_ids: _Optional[_Iterable[str]] = ..., dns_name: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class LoadBalancerConfig(_message.Message):
    __slots__ = ("name", "network_id", "subnet_ids", "security_group_ids", "internal", "listeners", "target_instance_ids", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ID_FIELD_NUMBER: _ClassVar[int]
    SUBNET_IDS_FIELD_NUMBER: _ClassVar[int]
    SECURITY_GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    LISTENERS_FIELD_NUMBER: _ClassVar[int]
    TARGET_INSTANCE_IDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    network_id: str
    subnet_ids: _containers.RepeatedScalarFieldContainer[str]
    security_group_ids: _containers.RepeatedScalarFieldContainer[str]
    internal: bool
    listeners: _containers.RepeatedCompositeFieldContainer[Listener]
    target_instance_ids: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., network_id: _Optional[str] = ..., subnet_ids: _Optional[_Iterable[str]] = ..., security_group_ids: _Optional[_Iterable[str]] = ..., internal: _Optional[bool] = ..., listeners: _Optional[_Iterable[_Union[Listener, _Mapping]]] = ..., target_instance_ids: _Optional[_Iterable[str]] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class BackupConfig(_message.Message):
    __slots__ = ("retention_days", "window")
    RETENTION_DAYS_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    retention_days: int
    window: str
    def __init__(self, retention_days: _Optional[int] = ..., window: _Optional[str] = ...) -> None: ...

class Database(_message.Message):
    __slots__ = ("id", "name", "engine", "version", "size", "provider_class", "storage_gb", "multi_az", "backup", "endpoint", "port", "username", "password", "state", "subnet_ids", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_CLASS_FIELD_NUMBER: _ClassVar[int]
    STORAGE_GB_FIELD_NUMBER: _ClassVar[int]
    MULTI_AZ_FIELD_NUMBER: _ClassVar[int]
    BACKUP_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUBNET_IDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    engine: DatabaseEngine
    version: str
    size: Size
    provider_class: str
    storage_gb: int
    multi_az: bool
    backup: BackupConfig
    endpoint: str
    port: int
    username: str
    password: str
    state: str
    subnet_ids: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., engine: _Optional[_Union[DatabaseEngine, str]] = ..., version: _Optional[str] = ..., size: _Optional[_Union[Size, str]] = ..., provider_class: _Optional[str] = ..., storage_gb: _Optional[int] = ..., multi_az: _Optional[bool] = ..., backup: _Optional[_Union[BackupConfig, _Mapping]] = ..., endpoint: _Optional[str] = ..., port: _Optional[int] = ..., username: _Optional[str] = ..., password: _Optional[str] = ..., state: _Optional[str] = ..., subnet_ids: _Optional[_Iterable[str]] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class DatabaseConfig(_message.Message):
    __slots__ = ("name", "engine", "version", "size", "storage_gb", "multi_az", "backup", "subnet_ids", "security_group_ids", "tags", "username")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    STORAGE_GB_FIELD_NUMBER: _ClassVar[int]
    MULTI_AZ_FIELD_NUMBER: _ClassVar[int]
    BACKUP_FIELD_NUMBER: _ClassVar[int]
    SUBNET_IDS_FIELD_NUMBER: _ClassVar[int]
    SECURITY_GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    engine: DatabaseEngine
    version: str
    size: Size
    storage_gb: int
    multi_az: bool
    backup: BackupConfig
    subnet_ids: _containers.RepeatedScalarFieldContainer[str]
    security_group_ids: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.ScalarMap[str, str]
    username: str
    def __init__(self, name: _Optional[str] = ..., engine: _Optional[_Union[DatabaseEngine, str]] = ..., version: _Optional[str] = ..., size: _Optional[_Union[Size, str]] = ..., storage_gb: _Optional[int] = ..., multi_az: _Optional[bool] = ..., backup: _Optional[_Union[BackupConfig, _Mapping]] = ..., subnet_ids: _Optional[_Iterable[str]] = ..., security_group_ids: _Optional[_Iterable[str]] = ..., tags: _Optional[_Mapping[str, str]] = ..., username: _Optional[str] = ...) -> None: ...

class Trigger(_message.Message):
    __slots__ = ("type", "path", "methods", "schedule", "source")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    type: str
    path: str
    methods: _containers.RepeatedScalarFieldContainer[str]
    schedule: str
    source: str
    def __init__(self, type: _Optional[str] = ..., path: _Optional[str] = ..., methods: _Optional[_Iterable[str]] = ..., schedule: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class FunctionCode(_message.Message):
    __slots__ = ("zip", "sha256")
    ZIP_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    zip: bytes
    sha256: str
    def __init__(self, zip: _Optional[bytes] = ..., sha256: _Optional[str] = ...) -> None: ...

class Function(_message.Message):
    __slots__ = ("id", "name", "runtime", "handler", "memory_mb", "timeout_s", "environment", "triggers", "layer_ids", "code_sha256", "url", "state", "tags", "provider_data", "private")
    class EnvironmentEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_FIELD_NUMBER: _ClassVar[int]
    HANDLER_FIELD_NUMBER: _ClassVar[int]
    MEMORY_MB_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_S_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    TRIGGERS_FIELD_NUMBER: _ClassVar[int]
    LAYER_IDS_FIELD_NUMBER: _ClassVar[int]
    CODE_SHA256_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: int
    environment: _containers.ScalarMap[str, str]
    triggers: _containers.RepeatedCompositeFieldContainer[Trigger]
    layer_ids: _containers.RepeatedScalarFieldContainer[str]
    code_sha256: str
    url: str
    state: str
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., runtime: _Optional[str] = ..., handler: _Optional[str] = ..., memory_mb: _Optional[int] = ..., timeout_s: _Optional[int] = ..., environment: _Optional[_Mapping[str, str]] = ..., triggers: _Optional[_Iterable[_Union[Trigger, _Mapping]]] = ..., layer_ids: _Optional[_Iterable[str]] = ..., code_sha256: _Optional[str] = ..., url: _Optional[str] = ..., state: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class FunctionConfig(_message.Message):
    __slots__ = ("name", "runtime", "handler", "memory_mb", "timeout_s", "environment", "triggers", "layer_ids", "code", "tags")
    class EnvironmentEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_FIELD_NUMBER: _ClassVar[int]
    HANDLER_FIELD_NUMBER: _ClassVar[int]
    MEMORY_MB_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_S_FIELD_NUMBER: _ClassVar[int]
    ENVIRONMENT_FIELD_NUMBER: _ClassVar[int]
    TRIGGERS_FIELD_NUMBER: _ClassVar[int]
    LAYER_IDS_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    runtime: str
    handler: str
    memory_mb: int
    timeout_s: int
    environment: _containers.ScalarMap[str, str]
    triggers: _containers.RepeatedCompositeFieldContainer[Trigger]
    layer_ids: _containers.RepeatedScalarFieldContainer[str]
    code: FunctionCode
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., runtime: _Optional[str] = ..., handler: _Optional[str] = ..., memory_mb: _Optional[int] = ..., timeout_s: _Optional[int] = ..., environment: _Optional[_Mapping[str, str]] = ..., triggers: _Optional[_Iterable[_Union[Trigger, _Mapping]]] = ..., layer_ids: _Optional[_Iterable[str]] = ..., code: _Optional[_Union[FunctionCode, _Mapping]] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Layer(_message.Message):
    __slots__ = ("id", "name", "version", "compatible_runtimes", "code_sha256", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    COMPATIBLE_RUNTIMES_FIELD_NUMBER: _ClassVar[int]
    CODE_SHA256_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    version: int
    compatible_runtimes: _containers.RepeatedScalarFieldContainer[str]
    code_sha256: str
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., version: _Optional[int] = ..., compatible_runtimes: _Optional[_Iterable[str]] = ..., code_sha256: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class LayerConfig(_message.Message):
    __slots__ = ("name", "compatible_runtimes", "code", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    COMPATIBLE_RUNTIMES_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    compatible_runtimes: _containers.RepeatedScalarFieldContainer[str]
    code: FunctionCode
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., compatible_runtimes: _Optional[_Iterable[str]] = ..., code: _Optional[_Union[FunctionCode, _Mapping]] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Cdn(_message.Message):
    __slots__ = ("id", "name", "origin_bucket_id", "domain", "certificate_id", "endpoint", "https", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    HTTPS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    origin_bucket_id: str
    domain: str
    certificate_id: str
    endpoint: str
    https: bool
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., origin_bucket_id: _Optional[str] = ..., domain: _Optional[str] = ..., certificate_id: _Optional[str] = ..., endpoint: _Optional[str] = ..., https: _Optional[bool] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class CdnConfig(_message.Message):
    __slots__ = ("name", "origin_bucket_id", "domain", "certificate_id", "https", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_BUCKET_ID_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    HTTPS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    origin_bucket_id: str
    domain: str
    certificate_id: str
    https: bool
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., origin_bucket_id: _Optional[str] = ..., domain: _Optional[str] = ..., certificate_id: _Optional[str] = ..., https: _Optional[bool] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Certificate(_message.Message):
    __slots__ = ("id", "name", "domain", "state", "tags", "provider_data", "private")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_DATA_FIELD_NUMBER: _ClassVar[int]
    PRIVATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    domain: str
    state: str
    tags: _containers.ScalarMap[str, str]
    provider_data: _struct_pb2.Struct
    private: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., domain: _Optional[str] = ..., state: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ..., provider_data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., private: _Optional[bytes] = ...) -> None: ...

class CertificateConfig(_message.Message):
    __slots__ = ("name", "domain", "tags")
    class TagsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    domain: str
    tags: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., domain: _Optional[str] = ..., tags: _Optional[_Mapping[str, str]] = ...) -> None: ...
