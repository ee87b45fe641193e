"""Cloud Functions v2 (`/v2/projects/P/locations/L/...`): generateUploadUrl and the upload
itself, create / get / list / patch / delete as long-running operations, and the function's
HTTP trigger (`serviceConfig.uri`), which runs the handler from the uploaded zip in a child
process and answers its real result.

As on Cloud Functions, the entry point names a function of `main.py` (Python runtimes), of
`index.js` (Node.js runtimes) or an exported HTTP function of the source's root package (Go
runtimes: built with `go`, functions_go.py, and served the request as it came); an archive
that is not a zip fails the build, reported on the operation (code 3), not on the create call.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError, FaultPlan, Operations, ServiceApp, Store
from genesys_emulators.core.functions import FunctionCode, ProgramError, forward_http, run_handler
from genesys_emulators.core.operations import Operation
from genesys_emulators.gcp import functions_go
from genesys_emulators.gcp.common import (
    GcpDialect,
    check_labels,
    check_name,
    invalid,
    now,
    page,
    required,
)

L = "/v2/projects/<project>/locations/<location>"
RUNTIMES = frozenset(
    {
        *(f"python3{minor}" for minor in range(8, 14)),
        *(f"nodejs{major}" for major in (16, 18, 20, 22)),
        "go121",
        "go122",
        "java17",
        "java21",
    }
)
_MEMORY = re.compile(r"^\d+(M|Mi|G|Gi)$")
_GRPC_CODES = {400: 3, 404: 5, 409: 6, 403: 7, 429: 8, 412: 9, 500: 13, 503: 14}
FUNCTION_TYPE = "type.googleapis.com/google.cloud.functions.v2.Function"
METADATA_TYPE = "type.googleapis.com/google.cloud.functions.v2.OperationMetadata"


def _not_found(name: str) -> CloudError:
    return CloudError(404, "notFound", f"Resource '{name}' was not found")


class _FunctionsDialect(GcpDialect):
    def is_mutating(self, request: Request) -> bool:
        # A call of the function or an upload is data, not the control plane Google throttles.
        data_plane = request.path.startswith(("/fn/", "/upload/"))
        return super().is_mutating(request) and not data_plane


class FunctionsApp(ServiceApp):
    dialect = _FunctionsDialect()
    rules = (
        Rule(f"{L}/functions:generateUploadUrl", methods=["POST"], endpoint="upload_url"),
        Rule(f"{L}/functions", methods=["GET"], endpoint="list_functions"),
        Rule(f"{L}/functions", methods=["POST"], endpoint="create_function"),
        Rule(f"{L}/functions/<name>", methods=["GET"], endpoint="get_function"),
        Rule(f"{L}/functions/<name>", methods=["PATCH"], endpoint="update_function"),
        Rule(f"{L}/functions/<name>", methods=["DELETE"], endpoint="delete_function"),
        Rule(f"{L}/operations/<operation>", methods=["GET"], endpoint="get_operation"),
        Rule("/upload/<token>", methods=["PUT"], endpoint="upload"),
        Rule("/fn/<project>/<location>/<name>", endpoint="call"),
        Rule("/fn/<project>/<location>/<name>/<path:rest>", endpoint="call"),
    )

    def __init__(self, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.store = Store()
        self.operations = Operations()
        self.uploads: dict[str, bytes] = {}  # object name -> archive
        self.code: dict[str, FunctionCode] = {}  # function name -> unpacked code
        self.programs: dict[str, str] = {}  # Go function name -> its built server, in code

    # ------------------------------------------------------------ operations

    def _operation(self, target: str, verb: str, effect: Any = None) -> dict[str, Any]:
        project_location = target.split("/functions/")[0]
        op_id = f"{project_location}/operations/operation-{uuid.uuid4().hex[:16]}"
        op = self.operations.start(verb, target, on_done=effect, op_id=op_id)
        op.record["metadata"] = {
            "@type": METADATA_TYPE,
            "createTime": now(),
            "target": target,
            "verb": verb,
            "apiVersion": "v2",
        }
        return self._operation_view(op)

    def _operation_view(self, op: Operation) -> dict[str, Any]:
        view: dict[str, Any] = {"name": op.id, "metadata": op.record["metadata"], "done": op.done}
        if op.done and op.error is not None:
            code = _GRPC_CODES.get(op.error.status, 2)
            view["error"] = {"code": code, "message": op.error.message}
        elif op.done and op.kind != "delete":
            record = self.store.find("functions", op.target)
            if record is not None:
                view["response"] = {"@type": FUNCTION_TYPE, **self._view(record)}
        elif op.done:
            view["response"] = {"@type": "type.googleapis.com/google.protobuf.Empty"}
        return view

    def get_operation(self, request: Request, project: str, location: str, operation: str) -> Any:
        op = self.operations.poll(f"projects/{project}/locations/{location}/operations/{operation}")
        if op is None:
            raise _not_found(f"projects/{project}/locations/{location}/operations/{operation}")
        return self._operation_view(op)

    # ------------------------------------------------------------ upload

    def upload_url(self, request: Request, project: str, location: str) -> Any:
        token = uuid.uuid4().hex
        return {
            "uploadUrl": f"{self.base_url}/upload/{token}",
            "storageSource": {
                "bucket": f"gcf-v2-uploads-{project}-{location}",
                "object": f"{token}.zip",
            },
        }

    def upload(self, request: Request, token: str) -> Any:
        self.uploads[f"{token}.zip"] = request.get_data()
        return Response(b"", status=200)

    # ------------------------------------------------------------ functions

    def _record(self, project: str, location: str, name: str) -> dict[str, Any]:
        full = f"projects/{project}/locations/{location}/functions/{name}"
        return self.store.get("functions", full, lambda: _not_found(full))

    @staticmethod
    def _view(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if not k.startswith("_")}

    def _check(self, body: dict[str, Any]) -> None:
        build = body.get("buildConfig") or {}
        service = body.get("serviceConfig") or {}
        runtime = build.get("runtime", "")
        if not runtime:
            raise required("function.build_config.runtime")
        if runtime not in RUNTIMES:
            raise invalid(
                f"Invalid function.build_config.runtime: runtime {runtime} is not supported."
            )
        source = (build.get("source") or {}).get("storageSource") or {}
        if not source.get("object"):
            raise required("function.build_config.source")
        if source["object"] not in self.uploads:
            raise invalid(
                f"Invalid function.build_config.source: object {source['object']} was not uploaded."
            )
        memory = service.get("availableMemory", "256M")
        if not _MEMORY.match(str(memory)):
            raise invalid(f"Invalid function.service_config.available_memory: {memory}")
        timeout = int(service.get("timeoutSeconds") or 60)
        if not 1 <= timeout <= 3600:
            raise invalid(f"Invalid function.service_config.timeout_seconds: {timeout}; 1 to 3600.")
        check_labels(body.get("labels"), "function.labels")

    def _build(self, full: str, body: dict[str, Any]) -> None:
        """Unpacks the uploaded archive; a bad archive fails the operation as a failed build."""
        source = body["buildConfig"]["source"]["storageSource"]
        try:
            code = FunctionCode(self.uploads[source["object"]])
        except Exception as exc:  # a bad zip is a build failure, as Cloud Build reports it
            raise CloudError(
                400, "buildFailed", f"Build failed: the source archive is not a zip file ({exc})."
            ) from None
        build = body["buildConfig"]
        if build["runtime"].startswith("go"):
            try:  # Cloud Functions builds Go itself (functions_go.py)
                self.programs[full] = functions_go.build(code, build.get("entryPoint", ""))
            except CloudError:
                code.close()
                raise
        old = self.code.pop(full, None)
        self.code[full] = code
        if old is not None:
            old.close()

    def create_function(self, request: Request, project: str, location: str) -> Any:
        function_id = check_name(request.args.get("functionId"), "function_id")
        body = self.json_body(request)
        self._check(body)
        full = f"projects/{project}/locations/{location}/functions/{function_id}"
        service = dict(body.get("serviceConfig") or {})
        service.update(
            {
                "service": f"projects/{project}/locations/{location}/services/{function_id}",
                "uri": f"{self.base_url}/fn/{project}/{location}/{function_id}",
                "availableMemory": service.get("availableMemory", "256M"),
                "timeoutSeconds": int(service.get("timeoutSeconds") or 60),
                "ingressSettings": service.get("ingressSettings", "ALLOW_ALL"),
                "revision": f"{function_id}-00001",
            }
        )
        build = dict(body["buildConfig"])
        build.setdefault("entryPoint", function_id)
        record = {
            "name": full,
            "description": body.get("description", ""),
            "buildConfig": build,
            "serviceConfig": service,
            "state": "DEPLOYING",
            "environment": "GEN_2",
            "labels": body.get("labels") or {},
            "url": service["uri"],
            "createTime": now(),
            "updateTime": now(),
        }
        self.store.insert(
            "functions",
            full,
            record,
            lambda: CloudError(
                409,
                "alreadyExists",
                f"Function {function_id} in region {location} in project {project} already exists",
            ),
        )

        def deploy() -> None:
            try:
                self._build(full, record)
            except CloudError:
                record["state"] = "FAILED"
                raise
            record["state"] = "ACTIVE"

        return self._operation(full, "create", deploy)

    def get_function(self, request: Request, project: str, location: str, name: str) -> Any:
        return self._view(self._record(project, location, name))

    def list_functions(self, request: Request, project: str, location: str) -> Any:
        prefix = f"projects/{project}/locations/" + ("" if location == "-" else f"{location}/")
        records = [
            self._view(r) for r in self.store.values("functions") if r["name"].startswith(prefix)
        ]
        items, token = page(request, records)
        return {"functions": items, "nextPageToken": token}

    def update_function(self, request: Request, project: str, location: str, name: str) -> Any:
        record = self._record(project, location, name)
        body = self.json_body(request)
        mask = [m for m in request.args.get("updateMask", "").split(",") if m]
        merged = json.loads(json.dumps(self._view(record)))
        for path in mask or ["buildConfig", "serviceConfig", "labels", "description"]:
            _set_path(merged, body, _camel(path))
        merged["serviceConfig"]["uri"] = record["serviceConfig"]["uri"]
        self._check(merged)
        source_changed = merged["buildConfig"] != record["buildConfig"]

        def redeploy() -> None:
            if source_changed:
                self._build(record["name"], merged)
            record.update(merged, updateTime=now(), state="ACTIVE")

        return self._operation(record["name"], "update", redeploy)

    def delete_function(self, request: Request, project: str, location: str, name: str) -> Any:
        record = self._record(project, location, name)
        self.store.remove("functions", record["name"])
        self.programs.pop(record["name"], None)
        code = self.code.pop(record["name"], None)
        if code is not None:
            code.close()
        return self._operation(record["name"], "delete")

    # ------------------------------------------------------------ the HTTP trigger

    def call(self, request: Request, project: str, location: str, name: str, rest: str = "") -> Any:
        record = self._record(project, location, name)
        code = self.code.get(record["name"])
        if code is None or record["state"] != "ACTIVE":
            return Response(b"Service Unavailable: the function is not deployed", status=503)
        if record["buildConfig"]["runtime"].startswith("go"):
            return self._forward(request, record, code, rest)
        raw = request.get_data()
        try:
            event = (
                json.loads(raw)
                if raw.strip()
                else {"method": request.method, "path": "/" + rest, "query": dict(request.args)}
            )
        except ValueError:
            event = {
                "method": request.method,
                "path": "/" + rest,
                "body": raw.decode(errors="replace"),
            }
        build, service = record["buildConfig"], record["serviceConfig"]
        module = "index" if build["runtime"].startswith("nodejs") else "main"
        outcome = run_handler(
            code,
            build["runtime"],
            f"{module}.{build['entryPoint']}",
            event,
            environment=service.get("environmentVariables") or {},
            timeout_s=float(service.get("timeoutSeconds") or 60),
        )
        if not outcome.ok:
            body = {"error": outcome.error, "logs": outcome.logs}
            return Response(json.dumps(body), status=500, content_type="application/json")
        return Response(json.dumps(outcome.result), status=200, content_type="application/json")

    def _forward(
        self, request: Request, record: dict[str, Any], code: FunctionCode, rest: str
    ) -> Response:
        """A Go function serves HTTP itself: the request goes to its program as it came."""
        service = record["serviceConfig"]
        query = request.query_string.decode()
        try:
            reply = forward_http(
                code,
                self.programs[record["name"]],
                request.method,
                "/" + rest + (f"?{query}" if query else ""),
                list(request.headers.items()),
                request.get_data(),
                environment=service.get("environmentVariables") or {},
                timeout_s=float(service.get("timeoutSeconds") or 60),
            )
        except ProgramError as err:
            body = {"error": str(err), "logs": err.logs}
            return Response(json.dumps(body), status=500, content_type="application/json")
        return Response(reply.body, status=reply.status, headers=reply.headers)


def _camel(path: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), path)


def _set_path(target: dict[str, Any], source: dict[str, Any], path: str) -> None:
    """Copies `path` (dotted) from source to target; absent in source clears it."""
    *parents, leaf = path.split(".")
    for part in parents:
        source = source.get(part) or {}
        target = target.setdefault(part, {})
    if leaf in source:
        target[leaf] = source[leaf]
    else:
        target.pop(leaf, None)
