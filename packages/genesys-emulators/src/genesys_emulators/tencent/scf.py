"""SCF (scf.tencentcloudapi.com, 2018-04-16): functions with their code, HTTP triggers, invoke.

Code arrives as a base64 zip (`Code.ZipFile`) and is unpacked once; `Invoke` runs the handler
in a child process with the function's own environment and returns its real result as SCF
does (`Result.RetMsg` is the JSON of what the handler returned). An `http` trigger (a
function URL) is served by this same port at `/fn/<region>/<namespace>/<name>/...`, calling
the handler with an API-gateway style event and answering with its `statusCode`/`body`.

A web function (`Type: HTTP`) is a web server instead: its code holds an executable
`scf_bootstrap` that starts the server, which SCF's proxy reaches on port 9000. Here the
bootstrap runs through the core's program runner with PORT set to a free port (so concurrent
invocations never collide; a bootstrap honours PORT where set, 9000 otherwise): a function
URL request is forwarded to it as it came, and `Invoke` is `POST /` with the event as the
body, its JSON answer the result and a non-2xx status a function error. No bootstrap, or a
server that never listens, fails the invocation as SCF does.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import re
import time
import uuid
import zipfile
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core.functions import (
    FunctionCode,
    Invocation,
    ProgramError,
    forward_http,
    run_handler,
    run_program,
)
from genesys_emulators.core.operations import Transition
from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    dumps,
    error,
    invalid,
    new_id,
    now,
    page,
    required,
    tag_pairs,
)
from genesys_emulators.tencent.scf_layers import LayerActions

RUNTIMES = (
    "Python3.6",
    "Python3.7",
    "Python3.9",
    "Python3.10",
    "Python3.11",
    "Python3.12",
    "Nodejs12.16",
    "Nodejs14.18",
    "Nodejs16.13",
    "Nodejs18.15",
    "Nodejs20.18",
    "Go1",
)
TYPES = ("Event", "HTTP")
BOOTSTRAP = "scf_bootstrap"  # what SCF starts in a web function's code
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$")
STEP = 0.05


class Scf(LayerActions, ActionService):
    service = "scf"
    version = "2018-04-16"
    rules = (
        Rule("/", methods=["POST"], endpoint="action"),
        Rule("/fn/<region>/<namespace>/<name>", endpoint="http_call"),
        Rule("/fn/<region>/<namespace>/<name>/<path:rest>", endpoint="http_call"),
    )

    def _key(self, region: str, body: Record) -> str:
        return f"{region}/{body.get('Namespace') or 'default'}/{required(body, 'FunctionName')}"

    def _get(self, region: str, body: Record) -> Record:
        return self.existing(
            "scf.functions",
            self._key(region, body),
            "ResourceNotFound.Function",
            f"The function `{body.get('FunctionName')}` does not exist.",
        )

    def CreateFunction(self, body: Record, region: str) -> Record:
        name = required(body, "FunctionName")
        if not _NAME.match(name):
            raise invalid(
                "FunctionName", name, "2-60 letters, digits, - or _, starting with a letter"
            )
        runtime = body.get("Runtime") or "Python3.6"
        if runtime not in RUNTIMES:
            raise error("InvalidParameterValue.Runtime", f"The runtime `{runtime}` is not offered.")
        kind = body.get("Type") or "Event"
        if kind not in TYPES:
            raise error("InvalidParameterValue.Type", f"Type `{kind}` is not Event nor HTTP.")
        settings = _settings(body, {"MemorySize": 128, "Timeout": 3})
        layers = self.checked_layers(body, region)
        code, size = _unpack((body.get("Code") or {}).get("ZipFile"))
        with self.store.lock:
            key = self._key(region, body)
            if self.store.find("scf.functions", key) is not None:
                code.close()
                raise error("ResourceInUse.Function", f"The function `{name}` already exists.")
            record = {
                "FunctionName": name,
                "FunctionId": new_id("lam"),
                "Namespace": key.split("/")[1],
                "Runtime": runtime,
                "Handler": body.get("Handler") or "index.main_handler",
                "Description": body.get("Description", ""),
                "Type": kind,
                "Tags": tag_pairs(body.get("Tags"), "Key", "Value"),
                "AddTime": now(),
                "ModTime": now(),
                "CodeSize": size,
                **settings,
                "_code": code,
                "_triggers": [],
                "_layers": layers,
                "_region": region,
                "_state": Transition(["Creating", "Active"], STEP),
            }
            self.store.put("scf.functions", key, record)
        return {}

    def GetFunction(self, body: Record, region: str) -> Record:
        record = self._get(region, body)
        view = _view(record)
        view["Triggers"] = [self._trigger_view(record, t) for t in record["_triggers"]]
        view["Layers"] = [
            {
                k: v
                for k, v in self._version(region, x["LayerName"], x["LayerVersion"]).items()
                if k
                in (
                    "LayerName",
                    "LayerVersion",
                    "CompatibleRuntimes",
                    "Description",
                    "LicenseInfo",
                    "AddTime",
                    "Status",
                )
            }
            for x in record["_layers"]
        ]
        view["FunctionVersion"] = "$LATEST"
        view["Qualifier"] = "$LATEST"
        return view

    def ListFunctions(self, body: Record, region: str) -> Record:
        namespace = body.get("Namespace") or "default"
        rows = [
            _view(r)
            for r in self.store.values("scf.functions")
            if r["_region"] == region and r["Namespace"] == namespace
        ]
        if body.get("SearchKey"):
            rows = [r for r in rows if body["SearchKey"] in r["FunctionName"]]
        keys = (
            "ModTime",
            "AddTime",
            "Runtime",
            "FunctionName",
            "FunctionId",
            "Namespace",
            "Status",
            "StatusDesc",
            "Description",
            "Tags",
            "Type",
        )
        rows = [{k: r.get(k) for k in keys} for r in rows]
        return {"Functions": page(rows, body), "TotalCount": len(rows)}

    def UpdateFunctionCode(self, body: Record, region: str) -> Record:
        record = self._get(region, body)
        zipped = body.get("ZipFile") or (body.get("Code") or {}).get("ZipFile")
        code, size = _unpack(zipped)
        old, record["_code"] = record["_code"], code
        old.close()
        if body.get("Handler"):
            record["Handler"] = body["Handler"]
        record.update(CodeSize=size, ModTime=now())
        record["_state"] = Transition(["Updating", "Active"], STEP)
        return {}

    def UpdateFunctionConfiguration(self, body: Record, region: str) -> Record:
        record = self._get(region, body)
        if body.get("Runtime") and body["Runtime"] not in RUNTIMES:
            raise error(
                "InvalidParameterValue.Runtime", f"The runtime `{body['Runtime']}` is not offered."
            )
        current = {
            "MemorySize": record["MemorySize"],
            "Timeout": record["Timeout"],
            "Environment": record["Environment"],
        }
        record.update(_settings(body, current))
        if body.get("Layers") is not None:
            record["_layers"] = self.checked_layers(body, region)
        for key in ("Description", "Runtime"):
            if body.get(key):
                record[key] = body[key]
        record["ModTime"] = now()
        record["_state"] = Transition(["Updating", "Active"], STEP)
        return {}

    def DeleteFunction(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(region, body)
            self.store.remove("scf.functions", self._key(region, body))
        record["_code"].close()
        return {}

    # ------------------------------------------------------------ invoke

    def Invoke(self, body: Record, region: str) -> Record:
        record = self._get(region, body)
        status = record["_state"].current()
        if status != "Active":
            raise error(
                "FailedOperation.FunctionStatusError",
                f"The function `{record['FunctionName']}` is {status}.",
            )
        try:
            event = json.loads(body.get("ClientContext") or "{}")
        except ValueError:
            raise invalid("ClientContext", body.get("ClientContext"), "not JSON") from None
        return {"Result": self._run(record, event, body.get("InvocationType") == "Event")}

    def _run(self, record: Record, event: Any, asynchronous: bool = False) -> Record:
        started = time.monotonic()
        request_id = str(uuid.uuid4())
        if asynchronous:
            return {
                "FunctionRequestId": request_id,
                "InvokeResult": 0,
                "RetMsg": "async",
                "ErrMsg": "",
                "Log": "",
                "MemUsage": 0,
                "Duration": 0,
                "BillDuration": 0,
            }
        environment = {v["Key"]: v.get("Value", "") for v in record["Environment"]["Variables"]}
        paths = self.layer_paths(record["_region"], record["_layers"])
        if paths:  # SCF mounts layers under /opt, on the runtime's import path
            environment.setdefault("PYTHONPATH", os.pathsep.join(paths))
            environment.setdefault("NODE_PATH", os.pathsep.join(paths))
        outcome = self._outcome(record, event, environment)
        duration = (time.monotonic() - started) * 1000
        return {
            "Log": outcome.logs,
            "RetMsg": dumps(outcome.result) if outcome.ok else "",
            "ErrMsg": "" if outcome.ok else outcome.error,
            "MemUsage": 0,
            "Duration": round(duration, 3),
            "BillDuration": int(duration) + 1,
            "FunctionRequestId": request_id,
            "InvokeResult": 0 if outcome.ok else -1,
        }

    @staticmethod
    def _outcome(record: Record, event: Any, environment: dict[str, str]) -> Invocation:
        timeout = float(record["Timeout"])
        if record["Type"] == "HTTP":  # a web server: the event is POSTed to /
            return run_program(
                record["_code"], BOOTSTRAP, event, environment=environment, timeout_s=timeout
            )
        if record["Runtime"] == "Go1":
            return Invocation(
                False,
                error="an event function in Go1 speaks SCF's Go SDK, which this emulator does "
                "not run; make it a web function (Type HTTP)",
            )
        return run_handler(
            record["_code"],
            record["Runtime"].lower(),
            record["Handler"],
            event,
            environment=environment,
            timeout_s=timeout,
        )

    def _forward(self, record: Record, request: Request, rest: str) -> Response:
        """A web function's URL: the request goes to its server as it came."""
        environment = {v["Key"]: v.get("Value", "") for v in record["Environment"]["Variables"]}
        query = request.query_string.decode()
        try:
            reply = forward_http(
                record["_code"],
                BOOTSTRAP,
                request.method,
                "/" + rest + (f"?{query}" if query else ""),
                list(request.headers.items()),
                request.get_data(),
                environment=environment,
                timeout_s=float(record["Timeout"]),
            )
        except ProgramError as exc:
            return Response(
                json.dumps({"errorMessage": str(exc)}), status=502, content_type="application/json"
            )
        return Response(reply.body, status=reply.status, headers=reply.headers)

    def http_call(
        self, request: Request, region: str, namespace: str, name: str, rest: str = ""
    ) -> Response:
        record = self.store.find("scf.functions", f"{region}/{namespace}/{name}")
        if record is None or not any(t["Type"] == "http" for t in record["_triggers"]):
            return Response("no function URL here", status=404)
        if record["Type"] == "HTTP":
            return self._forward(record, request, rest)
        event = {
            "httpMethod": request.method,
            "path": "/" + rest,
            "headers": dict(request.headers),
            "queryString": request.args.to_dict(),
            "body": request.get_data(as_text=True),
            "isBase64Encoded": False,
            "requestContext": {"requestId": str(uuid.uuid4()), "stage": "release"},
        }
        result = self._run(record, event)
        if result["InvokeResult"] != 0:
            return Response(
                json.dumps({"errorMessage": result["ErrMsg"]}),
                status=502,
                content_type="application/json",
            )
        value = json.loads(result["RetMsg"])
        if isinstance(value, dict) and "statusCode" in value:
            payload = value.get("body", "")
            text = payload if isinstance(payload, str) else json.dumps(payload)
            return Response(text, status=int(value["statusCode"]), headers=value.get("headers"))
        return Response(json.dumps(value), content_type="application/json")

    # ------------------------------------------------------------ triggers

    def CreateTrigger(self, body: Record, region: str) -> Record:
        record = self._get(region, body)
        kind = required(body, "Type")
        if kind not in ("http", "apigw", "timer", "cos"):
            raise invalid("Type", kind, "http, apigw, timer or cos")
        name = required(body, "TriggerName")
        if any(t["TriggerName"] == name for t in record["_triggers"]):
            raise error("ResourceInUse.Trigger", f"The trigger `{name}` already exists.")
        if kind == "http" and any(t["Type"] == "http" for t in record["_triggers"]):
            raise error("ResourceInUse.Trigger", "The function already has a function URL.")
        trigger = {
            "TriggerName": name,
            "Type": kind,
            "TriggerDesc": body.get("TriggerDesc", ""),
            "Enable": int(body.get("Enable", "OPEN") == "OPEN"),
            "AddTime": now(),
            "ModTime": now(),
            "Qualifier": body.get("Qualifier") or "$DEFAULT",
            "CustomArgument": body.get("CustomArgument", ""),
            "AvailableStatus": "Available",
            "ResourceId": new_id("trigger"),
            "BindStatus": "on",
            "TriggerAttribute": "",
            "Description": body.get("Description", ""),
        }
        record["_triggers"].append(trigger)
        return {"TriggerInfo": self._trigger_view(record, trigger)}

    def _trigger_view(self, record: Record, trigger: Record) -> Record:
        view = dict(trigger)
        if trigger["Type"] == "http":
            where = f"{record['_region']}/{record['Namespace']}/{record['FunctionName']}"
            url = f"{self.base_url}/fn/{where}"
            desc = json.loads(trigger["TriggerDesc"] or "{}")
            desc["UrlConfig"] = {"ExtranetUrl": url}
            view["TriggerDesc"] = dumps(desc)
        return view

    def ListTriggers(self, body: Record, region: str) -> Record:
        record = self._get(region, body)
        rows = [self._trigger_view(record, t) for t in record["_triggers"]]
        return {"Triggers": page(rows, body), "TotalCount": len(rows)}

    def DeleteTrigger(self, body: Record, region: str) -> Record:
        record = self._get(region, body)
        name = required(body, "TriggerName")
        kept = [t for t in record["_triggers"] if t["TriggerName"] != name]
        if len(kept) == len(record["_triggers"]):
            raise error("ResourceNotFound.Trigger", f"The trigger `{name}` does not exist.")
        record["_triggers"] = kept
        return {}


def _view(record: Record) -> Record:
    view = {k: v for k, v in record.items() if not k.startswith("_")}
    view["Status"] = record["_state"].current()
    view["StatusDesc"] = ""
    view["ModTime"] = record["ModTime"]
    return view


def _settings(body: Record, current: Record) -> Record:
    memory = int(body.get("MemorySize") or current["MemorySize"])
    if not 64 <= memory <= 3072 or memory % 64:
        raise invalid("MemorySize", memory, "a multiple of 64 from 64 to 3072 MB")
    timeout = int(body.get("Timeout") or current["Timeout"])
    if not 1 <= timeout <= 900:
        raise invalid("Timeout", timeout, "from 1 to 900 seconds")
    environment = body.get("Environment") or current.get("Environment") or {"Variables": []}
    variables = [
        {"Key": v["Key"], "Value": v.get("Value", "")} for v in environment.get("Variables") or []
    ]
    return {"MemorySize": memory, "Timeout": timeout, "Environment": {"Variables": variables}}


def _unpack(zipped: str | None) -> tuple[FunctionCode, int]:
    if not zipped:
        raise error("InvalidParameterValue.Code", "Code.ZipFile (base64 of a zip) is required.")
    try:
        raw = base64.b64decode(zipped, validate=True)
        code = FunctionCode(raw)
    except (binascii.Error, ValueError, zipfile.BadZipFile) as exc:
        raise error(
            "InvalidParameterValue.ZipFile", f"Code.ZipFile is not a zip archive: {exc}"
        ) from None
    _keep_exec_bits(raw, code)
    return code, len(raw)


def _keep_exec_bits(raw: bytes, code: FunctionCode) -> None:
    """SCF keeps the zip's unix modes (a web function's scf_bootstrap must be 755, and so
    must the program it starts); the core's extraction drops them."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for info in archive.infolist():
            mode = info.external_attr >> 16
            target = code.directory / info.filename
            if info.create_system == 3 and mode & 0o111 and target.is_file():
                target.chmod(target.stat().st_mode | (mode & 0o111))
