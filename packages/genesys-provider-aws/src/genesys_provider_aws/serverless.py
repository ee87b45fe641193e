"""Serverless service: Lambda functions (with their IAM execution role), layers, HTTP triggers
(function URLs) and synchronous invocation.

Each function gets its own execution role `genesys-fn-<name>` (trust: lambda.amazonaws.com,
inline policy with what AWSLambdaBasicExecutionRole grants: CloudWatch Logs), made on create
and removed on delete. An http trigger is a function URL (auth NONE, CORS methods from the
trigger); Lambda serves every path on it, so a trigger's `path` is kept as given (in the
resource's private bytes) but not enforced. Layer versions cannot be tagged: their
token lives in the description ("genesys:token=<token>").
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindFunctions

from genesys_provider_aws import tables
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import (
    TOKEN_TAG,
    arns_by_token,
    hex_sha256,
    match_tag_filters,
    private_json,
    read_private,
    struct,
    tag_changes,
    user_tags,
)
from genesys_provider_aws.errors import call_or_none, error_code
from genesys_provider_aws.go_functions import handler_of, is_go, lambda_zip
from genesys_provider_aws.layers import LAYER_READER, create_layer, delete_layer, list_layers
from genesys_provider_aws.readers import KindReader, read_each, read_one

RUNTIME_TAG = "genesys:runtime"
# A Go function's uploaded zip is built from its source: drift compares the source's digest.
SOURCE_TAG = "genesys:source-sha256"
LOGS_POLICY_NAME = "genesys-logs"
# What AWSLambdaBasicExecutionRole grants, inline (no dependency on managed policies).
LOGS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
}
TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
URL_PERMISSION_SID = "GenesysFunctionUrlPublic"
LIST_FILTERS = ("name",)
CONFIG_FIELDS = ("runtime", "handler", "memory_mb", "timeout_s", "environment", "layer_ids")


def role_name(function_name: str) -> str:
    return f"genesys-fn-{function_name}"[:64]


# ---------------------------------------------------------------- reading


def _triggers(url: Mapping[str, Any] | None, kept: Mapping[str, Any]) -> list[pb.Trigger]:
    """The http trigger exists iff a function URL does; its words come from `private`."""
    if url is None:
        return []
    for saved in kept.get("triggers", []):
        if saved.get("type") == "http":
            return [
                pb.Trigger(
                    type="http", path=saved.get("path", ""), methods=saved.get("methods", [])
                )
            ]
    methods = sorted(url.get("Cors", {}).get("AllowMethods", []) or [])
    return [pb.Trigger(type="http", methods=methods)]


def function_from(
    config: Mapping[str, Any],
    tags: Mapping[str, str],
    url: Mapping[str, Any] | None,
    private: bytes,
) -> pb.Function:
    kept = read_private(private)
    runtime = config.get("Runtime", "")
    return pb.Function(
        id=config["FunctionName"],
        name=config["FunctionName"],
        runtime=tags.get(RUNTIME_TAG) or runtime,
        handler=config.get("Handler", ""),
        memory_mb=int(config.get("MemorySize", 0)),
        timeout_s=int(config.get("Timeout", 0)),
        environment=(config.get("Environment") or {}).get("Variables", {}),
        triggers=_triggers(url, kept),
        layer_ids=[layer["Arn"] for layer in config.get("Layers", [])],
        code_sha256=tags.get(SOURCE_TAG) or hex_sha256(config.get("CodeSha256", "")),
        url=(url or {}).get("FunctionUrl", ""),
        state=str(config.get("State", "Active")).lower(),
        tags=user_tags(tags),
        provider_data=struct(
            {
                "arn": config.get("FunctionArn"),
                "role": config.get("Role"),
                "lambda_runtime": runtime,
                "last_modified": config.get("LastModified"),
                "code_size": config.get("CodeSize"),
            }
        ),
        private=private_json({"triggers": kept["triggers"]}) if kept.get("triggers") else b"",
    )


def read_function(clients: AwsClients, name: str, private: bytes = b"") -> pb.Function | None:
    lam = clients.client("lambda")
    found = call_or_none(lam.get_function, "ResourceNotFoundException", FunctionName=name)
    if found is None:
        return None
    url = call_or_none(lam.get_function_url_config, "ResourceNotFoundException", FunctionName=name)
    return function_from(found["Configuration"], found.get("Tags") or {}, url, private)


def read_many(clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
    return read_each(
        clients, ids, lambda name: read_function(clients, name, privates.get(name, b""))
    )


def find_by_token(clients: AwsClients, token: str) -> str | None:
    for arn in arns_by_token(clients, token, ["lambda:function"]):
        return arn.rsplit(":", 1)[-1]
    return None


FUNCTION_READER = KindReader("function", "function", read_many, find_by_token)


def list_functions(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Function]:
    names_wanted = set(filters["name"].split(",")) if filters.get("name") else None
    paginator = clients.client("lambda").get_paginator("list_functions")
    names = [
        f["FunctionName"]
        for page in paginator.paginate()
        for f in page.get("Functions", [])
        if names_wanted is None or f["FunctionName"] in names_wanted
    ]
    found = read_many(clients, names, {})
    for name in sorted(found):
        item = found[name]
        if isinstance(item, Exception):
            raise item
        if match_tag_filters(filters, dict(item.tags), LIST_FILTERS):
            yield item


# ---------------------------------------------------------------- writing


def _check(config: pb.FunctionConfig, *, creating: bool) -> str:
    runtime = tables.lambda_runtime_for(config.runtime)
    if runtime not in tables.LAMBDA_RUNTIMES:
        raise errors.InvalidArgument(
            f"runtime {config.runtime!r} is not a Lambda runtime", attribute_path="config.runtime"
        )
    if creating and not config.code.zip:
        raise errors.InvalidArgument(
            "a function needs its code (a zip archive)", attribute_path="config.code"
        )
    for index, trigger in enumerate(config.triggers):
        if trigger.type != "http":
            raise errors.InvalidArgument(
                f"trigger type {trigger.type!r} is not supported by the aws provider (only http)",
                attribute_path=f"config.triggers[{index}].type",
            )
    return runtime


def ensure_role(clients: AwsClients, function_name: str) -> str:
    iam = clients.client("iam")
    name = role_name(function_name)
    found = call_or_none(iam.get_role, "NoSuchEntity", RoleName=name)
    if found is None:
        found = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(TRUST_POLICY),
            Description=f"execution role of Lambda function {function_name} (genesys)",
            Tags=[{"Key": "genesys:function", "Value": function_name}],
        )
        iam.put_role_policy(
            RoleName=name, PolicyName=LOGS_POLICY_NAME, PolicyDocument=json.dumps(LOGS_POLICY)
        )
    return str(found["Role"]["Arn"])


def _delete_role(clients: AwsClients, function_name: str) -> None:
    iam = clients.client("iam")
    name = role_name(function_name)
    inline = call_or_none(iam.list_role_policies, "NoSuchEntity", RoleName=name)
    if inline is None:
        return
    for policy_name in inline.get("PolicyNames", []):
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    attached = iam.list_attached_role_policies(RoleName=name).get("AttachedPolicies", [])
    for policy in attached:
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    call_or_none(iam.delete_role, "NoSuchEntity", RoleName=name)


def _tags(config: pb.FunctionConfig, token: str, runtime: str) -> dict[str, str]:
    tags = dict(config.tags)
    if token:
        tags[TOKEN_TAG] = token
    if runtime != config.runtime:
        tags[RUNTIME_TAG] = config.runtime
    if is_go(config.runtime) and config.code.sha256:
        tags[SOURCE_TAG] = config.code.sha256
    return tags


def _code_and_handler(config: pb.FunctionConfig) -> tuple[bytes, str]:
    """What Lambda gets: a Go function's source built into its custom-runtime zip (see
    go_functions), anything else as the core zipped it."""
    if is_go(config.runtime):
        return lambda_zip(config.code.zip, config.handler), handler_of(config.handler)
    return config.code.zip, config.handler


def _create_with_role_retry(clients: AwsClients, args: dict[str, Any]) -> None:
    """IAM is eventually consistent: a fresh role may not be assumable for a few seconds."""
    from botocore.exceptions import ClientError

    deadline = time.monotonic() + 30
    while True:
        try:
            clients.client("lambda").create_function(**args)
            return
        except ClientError as err:
            retry = error_code(err) == "InvalidParameterValueException" and "assumed" in str(err)
            if not retry or time.monotonic() > deadline:
                raise
            time.sleep(2)


def create_function(clients: AwsClients, config: pb.FunctionConfig, token: str) -> pb.Function:
    runtime = _check(config, creating=True)
    private = (
        private_json({"triggers": [_trigger_dict(t) for t in config.triggers]})
        if config.triggers
        else b""
    )
    existing = read_function(clients, config.name)
    if existing is not None:
        lam = clients.client("lambda")
        tags = lam.get_function(FunctionName=config.name).get("Tags") or {}
        if not token or tags.get(TOKEN_TAG) != token:
            raise errors.AlreadyExists(
                f"function {config.name} already exists", attribute_path="config.name"
            )
    else:
        code, handler = _code_and_handler(config)
        args: dict[str, Any] = {
            "FunctionName": config.name,
            "Runtime": runtime,
            "Role": ensure_role(clients, config.name),
            "Handler": handler,
            "Code": {"ZipFile": code},
            "Description": "managed by genesys",
            "Timeout": config.timeout_s or tables.DEFAULT_TIMEOUT_S,
            "MemorySize": config.memory_mb or tables.DEFAULT_MEMORY_MB,
            "Environment": {"Variables": dict(config.environment)},
            "Layers": list(config.layer_ids),
            "Tags": _tags(config, token, runtime),
        }
        _create_with_role_retry(clients, args)
    _wait_ready(clients, config.name)
    _sync_url(clients, config)
    return read_one(FUNCTION_READER, clients, config.name, private)  # type: ignore[no-any-return]


def _trigger_dict(trigger: pb.Trigger) -> dict[str, Any]:
    return {"type": trigger.type, "path": trigger.path, "methods": list(trigger.methods)}


def _wait_ready(clients: AwsClients, name: str) -> None:
    lam = clients.client("lambda")

    def probe() -> bool | None:
        config = lam.get_function_configuration(FunctionName=name)
        if config.get("State") == "Failed" or config.get("LastUpdateStatus") == "Failed":
            reason = config.get("StateReason") or config.get("LastUpdateStatusReason") or "failed"
            raise errors.FailedPrecondition(f"function {name}: {reason}")
        busy = config.get("State") == "Pending" or config.get("LastUpdateStatus") == "InProgress"
        return None if busy else True

    clients.wait_until(f"function {name} to be active", probe)


def _sync_url(clients: AwsClients, config: pb.FunctionConfig) -> None:
    """Function URL present iff an http trigger is; CORS methods follow the trigger's."""
    lam = clients.client("lambda")
    http = [t for t in config.triggers if t.type == "http"]
    url = call_or_none(
        lam.get_function_url_config, "ResourceNotFoundException", FunctionName=config.name
    )
    if not http:
        if url is not None:
            lam.delete_function_url_config(FunctionName=config.name)
        return
    cors = {"AllowOrigins": ["*"], "AllowMethods": sorted(http[0].methods) or ["*"]}
    if url is None:
        lam.create_function_url_config(FunctionName=config.name, AuthType="NONE", Cors=cors)
        call_or_none(
            lam.add_permission,
            "ResourceConflictException",
            FunctionName=config.name,
            StatementId=URL_PERMISSION_SID,
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )
    elif sorted(url.get("Cors", {}).get("AllowMethods", [])) != cors["AllowMethods"]:
        lam.update_function_url_config(FunctionName=config.name, AuthType="NONE", Cors=cors)


def update_function(clients: AwsClients, request: Any) -> pb.Function:
    config, name = request.config, request.id
    changed = {c.split(".")[0] for c in request.changed} or {
        *CONFIG_FIELDS,
        "code",
        "triggers",
        "tags",
    }
    if "name" in changed and config.name != name:
        raise errors.InvalidArgument(
            "renaming a function replaces it", attribute_path="config.name"
        )
    runtime = _check(config, creating=False)
    lam = clients.client("lambda")
    handler = handler_of(config.handler) if is_go(config.runtime) else config.handler
    # A Go binary is shipped under its handler's name: a new handler needs a new zip.
    rezip = "code" in changed or ("handler" in changed and is_go(config.runtime))
    if rezip and config.code.zip:
        lam.update_function_code(FunctionName=name, ZipFile=_code_and_handler(config)[0])
        _wait_ready(clients, name)
    if changed & set(CONFIG_FIELDS):
        lam.update_function_configuration(
            FunctionName=name,
            Runtime=runtime,
            Handler=handler,
            MemorySize=config.memory_mb or tables.DEFAULT_MEMORY_MB,
            Timeout=config.timeout_s or tables.DEFAULT_TIMEOUT_S,
            Environment={"Variables": dict(config.environment)},
            Layers=list(config.layer_ids),
        )
        _wait_ready(clients, name)
    if "triggers" in changed:
        _sync_url(clients, config)
    _sync_tags(clients, name, config, runtime)
    private = (
        private_json({"triggers": [_trigger_dict(t) for t in config.triggers]})
        if config.triggers
        else b""
    )
    return read_one(FUNCTION_READER, clients, name, private)  # type: ignore[no-any-return]


def _sync_tags(clients: AwsClients, name: str, config: pb.FunctionConfig, runtime: str) -> None:
    lam = clients.client("lambda")
    found = lam.get_function(FunctionName=name)
    arn = found["Configuration"]["FunctionArn"]
    current = found.get("Tags") or {}
    desired = _tags(config, current.get(TOKEN_TAG, ""), runtime)
    to_set, to_remove = tag_changes(current, desired)
    if to_set:
        lam.tag_resource(Resource=arn, Tags=to_set)
    if to_remove:
        lam.untag_resource(Resource=arn, TagKeys=to_remove)


def delete_function(clients: AwsClients, name: str) -> None:
    read_one(FUNCTION_READER, clients, name)  # NotFound when gone
    clients.client("lambda").delete_function(FunctionName=name)
    _delete_role(clients, name)


def invoke(clients: AwsClients, request: Any) -> serverless_pb2.InvokeFunctionResponse:
    started = time.monotonic()
    answer = clients.client("lambda").invoke(
        FunctionName=request.id, Payload=request.payload or b"{}", LogType="Tail"
    )
    payload = answer["Payload"].read() if answer.get("Payload") is not None else b""
    logs = (
        base64.b64decode(answer["LogResult"]).decode("utf-8", "replace")
        if answer.get("LogResult")
        else ""
    )
    return serverless_pb2.InvokeFunctionResponse(
        payload=payload,
        function_error=answer.get("FunctionError", "") or "",
        logs=logs,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


# ---------------------------------------------------------------- the kinds


def kinds(clients: AwsClients) -> list[KindFunctions]:
    """The serverless service's kinds (the SDK generates the servicer from them)."""
    return [
        FUNCTION_READER.bind(
            clients,
            create_fn=partial(create_function, clients),
            update_fn=partial(update_function, clients),
            delete_fn=partial(delete_function, clients),
            list_fn=partial(list_functions, clients),
        ),
        LAYER_READER.bind(
            clients,
            create_fn=partial(create_layer, clients),
            # Every layer attribute is force_new (versions are immutable): nothing to change.
            update_fn=lambda request: read_one(LAYER_READER, clients, request.id),
            delete_fn=partial(delete_layer, clients),
            list_fn=partial(list_layers, clients),
        ),
    ]


def extra_rpcs(clients: AwsClients) -> dict[str, Any]:
    """RPCs of the service that are not a kind's verbs."""
    return {"InvokeFunction": lambda request, context: invoke(clients, request)}
