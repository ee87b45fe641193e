"""The state one conformance run carries between checks.

`Session.check(name, fn)` runs one check: it times `fn`, records PASS when it returns and
FAIL with a one-line reason when it raises, and hands back `fn`'s value (None on failure),
so later checks can depend on earlier ones without any check aborting the run.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genesys.conformance.results import CheckResult, ConformanceReport
from genesys.errors import GenesysError
from genesys.kinds import Kind
from genesys_plugin_sdk.errors import ProviderError
from google.protobuf.message import Message

T = TypeVar("T")


class CheckFailed(Exception):
    """A check's expectation was not met; `str()` is the reason shown to the user."""


def expect(condition: bool, reason: str) -> None:
    if not condition:
        raise CheckFailed(reason)


@dataclass
class ConformanceOptions:
    """What to test and how to configure it (the provider's own settings are opaque here)."""

    target: str  # a provider name ("local") or a path to a plugin executable
    settings: dict[str, Any] = field(default_factory=dict)
    region: str = ""
    project: str = ""
    endpoints: dict[str, str] = field(default_factory=dict)
    call_timeout_s: float = 120.0  # per RPC; creates on real clouds can be slow
    start_timeout_s: float = 10.0  # spawn -> handshake -> first GetMetadata
    handshake_timeout_s: float = 10.0  # how long a refusal may take
    metadata_latency_ms: float = 100.0


@dataclass
class Created:
    """One resource the kit made, remembered so it can be checked and cleaned up."""

    kind: Kind
    id: str
    private: bytes
    token: str
    message: Message
    config: Message | None = None
    gone: bool = False


class Session:
    """One run: the plugin connection, the report being built, and what was created."""

    def __init__(
        self,
        options: ConformanceOptions,
        report: ConformanceReport,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> None:
        self.options = options
        self.report = report
        self.on_result = on_result  # e.g. the CLI printing each line as it happens
        self.run_id = uuid.uuid4().hex[:8]
        self.conn: Any = None  # set once the plugin is launched
        self.metadata: Any = None
        self.schema: Any = None
        self.declared: set[str] = set()  # kind names from metadata.capabilities
        self.created: list[Created] = []
        self.primary: dict[str, Created] = {}  # kind name -> the resource checks use
        self.memo: dict[str, Any] = {}  # answers worth asking the plugin once
        self.dead = ""  # set when the plugin process died: later checks are not run
        self.halted = ""  # set when Configure failed: later plugin checks are not run
        self.missing: dict[str, str] = {}  # kind name -> why its checks cannot run
        self.workdir = ""  # the scratch directory the plugin runs and resolves paths in

    @property
    def provider(self) -> str:
        """The provider name the core would start the target as (its environment follows)."""
        from genesys.plugins.discovery import provider_name_of

        return provider_name_of(self.options.target)

    # ------------------------------------------------------------------ checks

    def check(self, name: str, fn: Callable[[], T]) -> T | None:
        if self.dead or self.halted:
            self.fail(name, f"not run: {self.dead or self.halted}")
            return None
        started = time.perf_counter()
        try:
            value = fn()
        except Exception as err:  # every failure becomes a FAIL line, never an abort
            self._record(name, False, describe_error(err), started)
            if self.plugin_died():
                self.dead = f"the plugin died during {name!r}"
            return None
        self._record(name, True, "", started)
        return value

    def plugin_died(self) -> bool:
        process = getattr(self.conn, "process", None)
        return process is not None and bool(process.exited())

    def fail(self, name: str, reason: str) -> None:
        self._add(CheckResult(name, False, reason))

    def not_run(self, names: Iterable[str], why: str) -> None:
        """Checks that cannot run still appear in the report: as failures saying why."""
        for name in names:
            self.fail(name, f"not run: {self.dead or self.halted or why}")

    def verdict(self, name: str, passed: bool, reason: str = "") -> None:
        """Records an outcome decided elsewhere (runs even after the plugin died)."""
        self._add(CheckResult(name, passed, "" if passed else reason))

    def _record(self, name: str, passed: bool, reason: str, started: float) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        self._add(CheckResult(name, passed, reason, round(elapsed_ms, 1)))

    def _add(self, result: CheckResult) -> None:
        self.report.results.append(result)
        if self.on_result is not None:
            self.on_result(result)

    def remember(
        self, kind: Kind, message: Any, token: str, config: Message | None = None
    ) -> Created:
        """Records a resource a create returned, so cleanup deletes it whatever happens next."""
        private = bytes(getattr(message, "private", b""))
        made = Created(kind, message.id, private, token, message, config)
        if made.id:
            self.created.append(made)
        return made

    # ------------------------------------------------------------------ calls

    def call(self, service: str, rpc: str, request: Message) -> Any:
        """One unary RPC on the plugin with the run's deadline."""
        stub = getattr(self.conn, service)
        return getattr(stub, rpc)(request, timeout=self.options.call_timeout_s)

    def stream(self, service: str, rpc: str, request: Message) -> list[Any]:
        """A server-streaming RPC drained into a list (the deadline covers the whole stream)."""
        stub = getattr(self.conn, service)
        items: Iterable[Any] = getattr(stub, rpc)(request, timeout=self.options.call_timeout_s)
        return list(items)

    # ------------------------------------------------------------------ names

    def resource_name(self, kind: Kind, suffix: str = "") -> str:
        """A unique, lowercase, hyphenated name every cloud accepts for every kind."""
        base = f"genesys-conf-{self.run_id}-{kind.name.replace('_', '-')}"
        return f"{base}-{suffix}" if suffix else base

    def token(self, kind: Kind, suffix: str = "") -> str:
        return f"conformance-{self.run_id}-{kind.name}{'-' + suffix if suffix else ''}"

    def tags(self, **extra: str) -> dict[str, str]:
        # Lowercase keys and values without colons: GCP labels accept nothing else.
        return {"genesys-conformance": self.run_id, **extra}


def describe_error(err: BaseException) -> str:
    """One line saying what went wrong, naming typed provider errors by their class."""
    if isinstance(err, CheckFailed):
        return str(err)
    if isinstance(err, ProviderError):
        return f"provider returned {error_summary(err)}"
    if isinstance(err, GenesysError):  # the host's own words (e.g. "plugin crashed: ...")
        return _first_line_with_stderr(str(err))
    return error_summary(err)


def _first_line_with_stderr(text: str) -> str:
    """The host's crash message is a headline plus the plugin's last stderr lines."""
    lines = [line.strip() for line in text.strip().splitlines()]
    tail = [line for line in lines[2:] if line and line != "(nothing)"]
    headline = lines[0] if lines else ""
    return f"{headline} (last stderr line: {tail[-1]})" if tail else headline


def error_summary(err: BaseException) -> str:
    """`NotFound: msg`, `untyped UNKNOWN: msg`, `InvalidArgument (at config.cidr): msg`."""
    text = str(err).strip()
    message = text.splitlines()[0] if text else ""
    name = type(err).__name__
    if isinstance(err, ProviderError):
        if type(err) is ProviderError:  # no typed kind: say which bare status arrived
            name = f"untyped {err.grpc_code.name}"
        if err.attribute_path:
            name += f" (at {err.attribute_path})"
    return f"{name}: {message}" if message else name
