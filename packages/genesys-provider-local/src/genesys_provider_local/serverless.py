"""ServerlessService: functions whose handlers really run, and layers.

A function's code zip is unpacked into <root>/functions/<id>/code/; InvokeFunction runs the
handler (module.function) in a fresh python3.x or node process (invoke.py) with the
function's environment and timeout. A go1.x function's source is built for this host
(genesys_plugin_sdk.go_build) and the binary its `handler` names is unpacked instead; each
invocation starts it with PORT set and POSTs the event to it (program.py). Layers are
unpacked into <root>/layers/<id>/ and put on the function's PYTHONPATH (<layer>/python and
<layer>) and NODE_PATH. A function with an http trigger gets a real endpoint: a supervised
gateway process (gateway.py) on a free 127.0.0.1 port; `url` is its address.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors

from genesys_provider_local import daemons, invoke, runtimes
from genesys_provider_local.fs import make_dir, remove_path, unzip_into, write_atomic
from genesys_provider_local.ops import Dep, KindOps, struct
from genesys_provider_local.registry import FAILED, Row

GATEWAY_READY_SECONDS = 10.0


def check_code(code: pb.FunctionCode, attribute: str) -> str:
    """The archive's SHA-256; INVALID_ARGUMENT if it is empty or does not match `sha256`."""
    if not code.zip:
        raise errors.InvalidArgument("the code archive is empty", attribute_path=f"{attribute}.zip")
    digest = hashlib.sha256(code.zip).hexdigest()
    if code.sha256 and code.sha256.lower() != digest:
        raise errors.InvalidArgument(
            f"sha256 {code.sha256} does not match the archive's ({digest})",
            attribute_path=f"{attribute}.sha256",
        )
    return digest


def unpack(code: pb.FunctionCode, target: Path, attribute: str) -> str:
    """Unpacks the archive into `target`, replacing what was there only once it succeeded."""
    digest = check_code(code, attribute)
    staging = target.with_name(f"{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    unzip_into(code.zip, staging, f"{attribute}.zip")
    if target.exists():
        retired = target.with_name(f"{target.name}.old")
        os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, target)
    return digest


def _wait_for_port(port: int, log: Path) -> None:
    deadline = time.monotonic() + GATEWAY_READY_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
    raise errors.Unavailable(f"the function's HTTP gateway did not start: {tail}")


class FunctionOps(KindOps[pb.Function]):
    kind = pb.RESOURCE_KIND_FUNCTION

    def directory(self, rid: str) -> Path:
        return self.path("functions", rid)

    def dependencies(self, desired: Any) -> list[Dep]:
        return [
            Dep(f"layer_ids[{i}]", pb.RESOURCE_KIND_LAYER, lid)
            for i, lid in enumerate(desired.layer_ids)
        ]

    def check(self, config: Any, fields: set[str] | None = None) -> None:
        super().check(config, fields)
        if fields is None or "code" in fields:
            check_code(config.code, "config.code")

    def spec(self, rid: str, function: pb.Function) -> dict[str, Any]:
        return {
            "name": function.name,
            "runtime": function.runtime,
            "handler": function.handler,
            "code_dir": str(self.directory(rid) / "code"),
            "layer_dirs": [str(self.path("layers", lid)) for lid in function.layer_ids],
            "environment": dict(function.environment),
            "timeout_s": function.timeout_s,
            "memory_mb": function.memory_mb,
            "triggers": [
                {"type": t.type, "path": t.path, "methods": list(t.methods)}
                for t in function.triggers
            ],
        }

    def _publish(self, rid: str, function: pb.Function, aux: dict[str, Any]) -> dict[str, Any]:
        """Writes function.json and starts or stops the HTTP gateway; fills url and facts."""
        directory = self.directory(rid)
        spec = json.dumps(self.spec(rid, function)).encode()
        write_atomic(directory / "function.json", spec, 0o600)  # holds its environment
        gateway = directory / "gateway"
        http = [t for t in function.triggers if t.type == "http"]
        port = int(aux.get("gateway_port", 0))
        if http and not (port and daemons.is_running(daemons.read_state(gateway))):
            port = self._start_gateway(gateway, directory)
        elif not http and gateway.exists():
            daemons.stop(gateway)
            shutil.rmtree(gateway, ignore_errors=True)
            port = 0
        function.url = f"http://127.0.0.1:{port}/{_literal_part(http[0].path)}" if http else ""
        function.provider_data.CopyFrom(_facts(function, directory / "code"))
        return {**aux, "gateway_port": port}

    def _start_gateway(self, gateway: Path, directory: Path) -> int:
        port = daemons.free_port()
        gateway.mkdir(mode=0o700, exist_ok=True)
        command = [sys.executable, "-m", "genesys_provider_local.gateway"]
        spec = {
            "command": [*command, str(directory), str(port)],
            "env": daemons.child_environment(),
        }
        daemons.launch(gateway, spec)
        _wait_for_port(port, gateway / "console.log")
        return port

    def _install_code(self, rid: str, config: pb.FunctionConfig) -> str:
        """Unpacks the code into <function dir>/code; a Go function's source is built for
        this host first and its binary unpacked instead. Returns the source's SHA-256."""
        target = self.directory(rid) / "code"
        if not runtimes.is_go(config.runtime):
            return unpack(config.code, target, "config.code")
        digest = check_code(config.code, "config.code")
        unpack(pb.FunctionCode(zip=_build_go(config)), target, "config.code")
        return digest

    def build(self, rid: str, config: pb.FunctionConfig) -> tuple[pb.Function, dict[str, Any]]:
        make_dir(self.directory(rid), 0o700)  # its environment is in there
        digest = self._install_code(rid, config)
        function = pb.Function(
            id=rid,
            name=config.name,
            runtime=runtimes.runtime_made(config.runtime),
            handler=config.handler,
            memory_mb=config.memory_mb,
            timeout_s=config.timeout_s,
            environment=config.environment,
            triggers=config.triggers,
            layer_ids=config.layer_ids,
            code_sha256=digest,
            state="active",
            tags=config.tags,
        )
        return function, {**self._publish(rid, function, {}), "built_runtime": function.runtime}

    def destroy(self, rid: str, message: pb.Function | None) -> None:
        directory = self.directory(rid)
        daemons.stop(directory / "gateway")
        remove_path(directory, self.rt.root)

    def observe(self, row: Row) -> bytes | None:
        if row.status == FAILED:
            return row.body
        return row.body if (self.directory(row.id) / "code").is_dir() else None

    def on_update(
        self, rid: str, message: pb.Function, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        was_go = runtimes.is_go(str(aux.get("built_runtime", "")))
        # A Go binary depends on the handler (its name) and the runtime, not only the code.
        rebuild = {"code"} if not (was_go or runtimes.is_go(message.runtime)) else {
            "code", "handler", "runtime"}
        if fields & rebuild:
            if "code" not in fields and not config.code.zip:
                raise errors.InvalidArgument(
                    "changing a go function's handler or runtime rebuilds it: send its code",
                    attribute_path="config.code",
                )
            config.runtime, config.handler = message.runtime, message.handler
            message.code_sha256 = self._install_code(rid, config)
        return {**self._publish(rid, message, aux), "built_runtime": message.runtime}

    def invoke(self, rid: str, payload: bytes) -> serverless_pb2.InvokeFunctionResponse:
        self.rt.gate(mutating=False)
        self.rt.faults.throttle()  # as Lambda's TooManyRequests: the function did not run
        function = self.read(self.load(rid))
        outcome = invoke.invoke(self.spec(rid, function), payload)
        return serverless_pb2.InvokeFunctionResponse(
            payload=outcome.payload,
            function_error=outcome.error,
            logs=outcome.logs,
            duration_ms=outcome.duration_ms,
        )


class LayerOps(KindOps[pb.Layer]):
    kind = pb.RESOURCE_KIND_LAYER

    def directory(self, rid: str) -> Path:
        return self.path("layers", rid)

    def check(self, config: Any, fields: set[str] | None = None) -> None:
        super().check(config, fields)
        if fields is None or "code" in fields:
            check_code(config.code, "config.code")

    def build(self, rid: str, config: pb.LayerConfig) -> tuple[pb.Layer, dict[str, Any]]:
        make_dir(self.directory(rid).parent)
        layer = pb.Layer(
            id=rid,
            name=config.name,
            version=1,
            compatible_runtimes=config.compatible_runtimes,
            code_sha256=unpack(config.code, self.directory(rid), "config.code"),
            tags=config.tags,
            provider_data=struct(path=str(self.directory(rid))),
        )
        return layer, {}

    def destroy(self, rid: str, message: pb.Layer | None) -> None:
        for leftover in (f"{rid}.new", f"{rid}.old"):
            shutil.rmtree(self.directory(leftover), ignore_errors=True)
        remove_path(self.directory(rid), self.rt.root)

    def observe(self, row: Row) -> bytes | None:
        if row.status == FAILED:
            return row.body
        return row.body if self.directory(row.id).is_dir() else None

    def on_update(
        self, rid: str, message: pb.Layer, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        if "code" in fields:
            digest = unpack(config.code, self.directory(rid), "config.code")
            if digest != message.code_sha256:
                message.version += 1  # new code is a new layer version, as clouds number them
            message.code_sha256 = digest
        return aux


def _build_go(config: pb.FunctionConfig) -> bytes:
    """The function's Go source built for this machine (cached by go_build)."""
    from genesys_plugin_sdk.go_build import GoBuildError, build_go_zip, host_platform

    try:
        runtimes.resolve(config.runtime)
    except ValueError as exc:
        raise errors.InvalidArgument(str(exc), attribute_path="config.runtime") from None
    goos, goarch = host_platform()
    try:
        return build_go_zip(config.code.zip, binary=config.handler, goos=goos, goarch=goarch)
    except GoBuildError as exc:
        raise errors.InvalidArgument(exc.message, attribute_path="config.code") from None


def _facts(function: pb.Function, code_dir: Path) -> Any:
    """provider_data: where the code is and what runs it (no environment: it may hold secrets)."""
    facts: dict[str, Any] = {
        "code_dir": str(code_dir),
        "timeout_s": function.timeout_s or invoke.DEFAULT_TIMEOUT_S,
        "memory_mb": f"{function.memory_mb or invoke.DEFAULT_MEMORY_MB} (label only)",
    }
    if runtimes.is_go(function.runtime):
        facts["binary"] = str(code_dir / function.handler)
        try:
            runtime = runtimes.resolve(function.runtime)
        except ValueError:  # the binary is built; it runs without the toolchain
            return struct(**facts)
        facts["toolchain"] = runtime.interpreter
        facts["note"] = runtime.note or None
        return struct(**facts)
    runtime = runtimes.resolve(function.runtime)
    return struct(**facts, interpreter=runtime.interpreter, note=runtime.note or None)


def _literal_part(route: str) -> str:
    """`/api/*` -> `api`: the URL shown is the route's fixed part, before any wildcard."""
    fixed = []
    for segment in route.strip("/").split("/"):
        if segment == "*" or segment.startswith("{"):
            break
        fixed.append(segment)
    return "/".join(fixed)
