"""Function Compute 3.0 (ROA, `/2023-03-30/...`): functions with their code, HTTP triggers,
layers (fc_layers.py), and invocation that runs the handler from the uploaded zip in a child
process; a custom runtime's HTTP server is started and sent `POST /invoke` (fc_custom.py).

The answer of an invocation is the handler's return value as the body (a dict or list as
JSON, a string as is), with `x-fc-error-type: UnhandledInvocationError` when it raised, as
FC does. A refusal is `{"Code", "Message", "RequestId"}` with the HTTP status.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import threading
import time
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.alibaba import catalog
from genesys_emulators.alibaba.fc_custom import (
    custom_config,
    forward_trigger,
    invoke_custom,
    is_custom,
)
from genesys_emulators.alibaba.fc_layers import LAYER_RULES, LayersMixin
from genesys_emulators.alibaba.rpc import request_id
from genesys_emulators.core import CloudError, Dialect, FaultPlan, ServiceApp
from genesys_emulators.core.functions import FunctionCode, Invocation, run_handler

BASE = "/2023-03-30/functions"
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")
UPDATABLE = (
    "runtime",
    "handler",
    "memorySize",
    "timeout",
    "environmentVariables",
    "description",
    "layers",
    "role",
    "customRuntimeConfig",
)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class FcDialect(Dialect):
    def error_response(self, error: CloudError, request: Request) -> Response:
        body = {"Code": error.code, "Message": error.message, "RequestId": request_id()}
        return self.json_response(body, error.status, error.headers)

    def throttled(self, request: Request) -> CloudError:
        return CloudError(429, "Throttling.User", "Request was denied due to user flow control.")

    def server_error(self, request: Request) -> CloudError:
        return CloudError(503, "ServiceUnavailable", "The service is temporarily unavailable.")

    def not_found(self, request: Request) -> CloudError:
        return CloudError(
            404, "PathNotSupported", f"{request.method} {request.path} is not supported."
        )


def _not_found(name: str) -> CloudError:
    return CloudError(404, "FunctionNotFound", f"function '{name}' does not exist")


class FunctionCompute(LayersMixin, ServiceApp):
    dialect = FcDialect()
    rules = (
        Rule(BASE, methods=["POST"], endpoint="create_function"),
        Rule(BASE, methods=["GET"], endpoint="list_functions"),
        Rule(f"{BASE}/<name>", methods=["GET"], endpoint="get_function"),
        Rule(f"{BASE}/<name>", methods=["PUT"], endpoint="update_function"),
        Rule(f"{BASE}/<name>", methods=["DELETE"], endpoint="delete_function"),
        Rule(f"{BASE}/<name>/code", methods=["GET"], endpoint="get_code"),
        Rule(f"{BASE}/<name>/triggers", methods=["POST"], endpoint="create_trigger"),
        Rule(f"{BASE}/<name>/triggers", methods=["GET"], endpoint="list_triggers"),
        Rule(f"{BASE}/<name>/triggers/<trigger>", methods=["GET"], endpoint="get_trigger"),
        Rule(f"{BASE}/<name>/triggers/<trigger>", methods=["PUT"], endpoint="update_trigger"),
        Rule(f"{BASE}/<name>/triggers/<trigger>", methods=["DELETE"], endpoint="delete_trigger"),
        Rule(f"{BASE}/<name>/invocations", methods=["POST"], endpoint="invoke"),
        *LAYER_RULES,
    )

    def __init__(self, region: str, account: str, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.region, self.account = region, account
        self.lock = threading.RLock()
        self.functions: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, FunctionCode] = {}
        self._init_layers()

    def dispatch(self, request: Request) -> Response:
        if request.host.split(":")[0].endswith(".fcapp.run"):
            return self._through_trigger(request)  # anonymous, as an http trigger is
        if not request.headers.get("Authorization"):
            raise CloudError(401, "MissingAuthorization", "The Authorization header is missing.")
        return super().dispatch(request)

    def _function(self, name: str) -> dict[str, Any]:
        found = self.functions.get(name)
        if found is None:
            raise _not_found(name)
        return found

    # ------------------------------------------------------------ functions

    def _check(self, body: dict[str, Any]) -> None:
        runtime = body.get("runtime", "")
        if runtime not in catalog.FC_RUNTIMES and not is_custom(runtime):
            raise CloudError(400, "InvalidArgument", f"runtime '{runtime}' is not supported")
        if is_custom(runtime):
            body["customRuntimeConfig"] = custom_config(body)
        memory = int(body.get("memorySize") or 128)
        if memory < 128 or memory > 32768 or memory % 64:
            raise CloudError(
                400,
                "InvalidArgument",
                f"memorySize {memory} must be a multiple of 64 from 128 to 32768",
            )
        if not 1 <= int(body.get("timeout") or 3) <= 86400:
            raise CloudError(400, "InvalidArgument", "timeout must be from 1 to 86400 seconds")
        if not body.get("handler"):
            raise CloudError(400, "InvalidArgument", "handler is required")

    def _code(self, name: str, body: dict[str, Any]) -> tuple[int, str]:
        encoded = (body.get("code") or {}).get("zipFile", "")
        try:
            archive = base64.b64decode(encoded, validate=True)
            code = FunctionCode(archive)
        except (binascii.Error, ValueError, Exception) as exc:
            raise CloudError(
                400, "InvalidArgument", f"code.zipFile is not a base64 zip archive: {exc}"
            ) from None
        old = self.codes.pop(name, None)
        if old:
            old.close()
        self.codes[name] = code
        return len(archive), str(int(hashlib.sha256(archive).hexdigest()[:15], 16))

    def create_function(self, request: Request) -> Any:
        body = self.json_body(request)
        name = body.get("functionName", "")
        if not NAME.match(name):
            raise CloudError(400, "InvalidArgument", f"functionName '{name}' is not valid")
        self._check(body)
        layers = self.function_layers(list(body.get("layers") or []))
        if not (body.get("code") or {}).get("zipFile"):
            raise CloudError(400, "InvalidArgument", "code is required")
        with self.lock:
            if name in self.functions:
                raise CloudError(409, "FunctionAlreadyExists", f"function '{name}' already exists")
            size, checksum = self._code(name, body)
            now = _now()
            record = {
                "functionName": name,
                "functionId": request_id().lower(),
                "functionArn": f"acs:fc:{self.region}:{self.account}:functions/{name}",
                "runtime": body["runtime"],
                "handler": body["handler"],
                "memorySize": int(body.get("memorySize") or 128),
                "timeout": int(body.get("timeout") or 3),
                "cpu": float(body.get("cpu") or 0.35),
                "diskSize": 512,
                "environmentVariables": dict(body.get("environmentVariables") or {}),
                "description": body.get("description", ""),
                "role": body.get("role", ""),
                "layers": layers,
                **(
                    {"customRuntimeConfig": body["customRuntimeConfig"]}
                    if is_custom(body["runtime"])
                    else {}
                ),
                "tags": list(body.get("tags") or []),
                "codeSize": size,
                "codeChecksum": checksum,
                "createdTime": now,
                "lastModifiedTime": now,
                "state": "Active",
                "lastUpdateStatus": "Successful",
            }
            self.functions[name] = record
        return record

    def list_functions(self, request: Request) -> Any:
        prefix = request.args.get("prefix", "")
        limit = int(request.args.get("limit") or 20)
        start = request.args.get("nextToken", "")
        with self.lock:
            names = sorted(n for n in self.functions if n.startswith(prefix) and n >= start)
        chosen = names[:limit]
        answer: dict[str, Any] = {
            "functions": [self.functions[n] for n in chosen if n in self.functions]
        }
        if len(names) > limit:
            answer["nextToken"] = names[limit]
        return answer

    def get_function(self, request: Request, name: str) -> Any:
        return self._function(name)

    def get_code(self, request: Request, name: str) -> Any:
        function = self._function(name)
        return {"url": f"{self.base_url}/code/{name}.zip", "checksum": function["codeChecksum"]}

    def update_function(self, request: Request, name: str) -> Any:
        body = self.json_body(request)
        with self.lock:
            function = self._function(name)
            merged = {**function, **{k: body[k] for k in UPDATABLE if k in body}}
            self._check(merged)
            if "layers" in body:
                merged["layers"] = self.function_layers(list(body["layers"] or []))
            if (body.get("code") or {}).get("zipFile"):
                merged["codeSize"], merged["codeChecksum"] = self._code(name, body)
            merged["lastModifiedTime"] = _now()
            self.functions[name] = merged
            self.release_layers(function["layers"])
        return merged

    def delete_function(self, request: Request, name: str) -> Response:
        with self.lock:
            function = self._function(name)
            if function.get("_triggers"):
                raise CloudError(412, "FunctionNotEmpty", f"function '{name}' still has triggers")
            del self.functions[name]
            self.release_layers(function["layers"])
            code = self.codes.pop(name, None)
        if code:
            code.close()
        return Response(status=204)

    # ------------------------------------------------------------ triggers

    def _through_trigger(self, request: Request) -> Response:
        """A request to an http trigger's URL (its host as the Host header)."""
        host = request.host.split(":")[0]
        with self.lock:
            found = [
                (self.codes[name], dict(function), dict(trigger))
                for name, function in self.functions.items()
                for trigger in function.get("_triggers", {}).values()
                if host in (url.removeprefix("https://") for url in trigger["httpTrigger"].values())
            ]
        if not found:
            raise CloudError(404, "TriggerNotFound", f"no http trigger serves {host}")
        return forward_trigger(*found[0], request)

    def _triggers(self, name: str) -> dict[str, dict[str, Any]]:
        triggers: dict[str, dict[str, Any]] = self._function(name).setdefault("_triggers", {})
        return triggers

    def create_trigger(self, request: Request, name: str) -> Any:
        body = self.json_body(request)
        trigger_name = body.get("triggerName", "")
        if not NAME.match(trigger_name):
            raise CloudError(400, "InvalidArgument", f"triggerName '{trigger_name}' is not valid")
        if body.get("triggerType") != "http":
            raise CloudError(
                400,
                "InvalidArgument",
                f"triggerType '{body.get('triggerType')}' is not served by the emulator",
            )
        config = _http_config(body.get("triggerConfig", ""))
        with self.lock:
            triggers = self._triggers(name)
            if trigger_name in triggers:
                raise CloudError(
                    409, "TriggerAlreadyExists", f"trigger '{trigger_name}' already exists"
                )
            now = _now()
            slug = hashlib.sha256(f"{name}/{trigger_name}".encode()).hexdigest()[:10]
            host = f"{name.lower().replace('_', '-')}-{slug}.{self.region}.fcapp.run"
            triggers[trigger_name] = {
                "triggerName": trigger_name,
                "triggerId": request_id().lower(),
                "triggerType": "http",
                "triggerConfig": json.dumps(config),
                "description": body.get("description", ""),
                "qualifier": body.get("qualifier", "LATEST"),
                "status": "Enabled",
                "createdTime": now,
                "lastModifiedTime": now,
                "httpTrigger": {
                    "urlInternet": f"https://{host}",
                    "urlIntranet": f"https://{host.replace('.fcapp.run', '-vpc.fcapp.run')}",
                },
            }
            return triggers[trigger_name]

    def list_triggers(self, request: Request, name: str) -> Any:
        with self.lock:
            return {"triggers": list(self._triggers(name).values())}

    def _trigger(self, name: str, trigger: str) -> dict[str, Any]:
        found = self._triggers(name).get(trigger)
        if found is None:
            raise CloudError(
                404, "TriggerNotFound", f"trigger '{trigger}' does not exist in function '{name}'"
            )
        return found

    def get_trigger(self, request: Request, name: str, trigger: str) -> Any:
        with self.lock:
            return self._trigger(name, trigger)

    def update_trigger(self, request: Request, name: str, trigger: str) -> Any:
        body = self.json_body(request)
        with self.lock:
            found = self._trigger(name, trigger)
            if "triggerConfig" in body:
                found["triggerConfig"] = json.dumps(_http_config(body["triggerConfig"]))
            if "description" in body:
                found["description"] = body["description"]
            found["lastModifiedTime"] = _now()
            return found

    def delete_trigger(self, request: Request, name: str, trigger: str) -> Response:
        with self.lock:
            self._trigger(name, trigger)
            del self._triggers(name)[trigger]
        return Response(status=204)

    # ------------------------------------------------------------ invoke

    def invoke(self, request: Request, name: str) -> Response:
        with self.lock:
            function = dict(self._function(name))
            code = self.codes[name]
        raw = request.get_data()
        if is_custom(function["runtime"]):
            custom = invoke_custom(code, function, raw, float(function["timeout"]))
            return self._answer(request, custom)
        try:
            event: Any = json.loads(raw) if raw.strip() else {}
        except ValueError:
            event = raw.decode(errors="replace")
        outcome = run_handler(
            code,
            function["runtime"],
            function["handler"],
            event,
            environment={str(k): str(v) for k, v in function["environmentVariables"].items()},
            timeout_s=float(function["timeout"]),
            import_paths=self.layer_import_paths(function["layers"], function["runtime"]),
        )
        return self._answer(request, outcome)

    @staticmethod
    def _answer(request: Request, outcome: Invocation) -> Response:
        """The InvokeFunction answer: the result as the body, or FC's function error."""
        headers = {"x-fc-request-id": request_id()}
        if request.headers.get("x-fc-log-type") == "Tail":
            headers["x-fc-log-result"] = base64.b64encode(outcome.logs.encode()[-4096:]).decode()
        if not outcome.ok:
            headers["x-fc-error-type"] = "UnhandledInvocationError"
            body = json.dumps({"errorMessage": outcome.error, "errorType": "HandlerError"})
            return Response(body, status=200, headers=headers, content_type="application/json")
        result = outcome.result
        text = result if isinstance(result, str) else json.dumps(result)
        return Response(text, status=200, headers=headers, content_type="application/octet-stream")


def _http_config(raw: Any) -> dict[str, Any]:
    try:
        config = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except ValueError:
        raise CloudError(400, "InvalidArgument", "triggerConfig is not valid JSON") from None
    methods = config.get("methods") or []
    allowed = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}
    if not methods or not set(methods) <= allowed:
        raise CloudError(
            400,
            "InvalidArgument",
            f"triggerConfig.methods {methods} must be among {sorted(allowed)}",
        )
    if config.get("authType", "anonymous") not in ("anonymous", "function", "jwt"):
        raise CloudError(
            400, "InvalidArgument", f"triggerConfig.authType {config.get('authType')} is not valid"
        )
    return {
        "authType": config.get("authType", "anonymous"),
        "methods": list(methods),
        "disableURLInternet": bool(config.get("disableURLInternet", False)),
    }
