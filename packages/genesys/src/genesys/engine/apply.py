"""Turn a Plan into a DAG of operations and run it.

Node keys are "<step>:<address>" with step create|update|destroy. Edges:
- create/update of A waits for create/update of every resource A depends on;
- destroy of A waits for destroy or update of every recorded resource that depends on A
  (children go first, and a dependent moved elsewhere lets go of A first);
- a replacement is destroy:A then create:A (Terraform's default order).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from genesys.engine import operations
from genesys.engine.executor import DagResult, Interrupted, run_dag
from genesys.engine.operations import OperationContext
from genesys.engine.plan import Action, Plan, ResourceChange
from genesys.engine.progress import Progress
from genesys.errors import PluginError

log = logging.getLogger("genesys.apply")


@dataclass
class ApplyResult:
    dag: DagResult
    errors: dict[str, str] = field(default_factory=dict)  # address -> message
    counts: dict[str, int] = field(
        default_factory=lambda: {"added": 0, "changed": 0, "destroyed": 0}
    )

    @property
    def ok(self) -> bool:
        return self.dag.ok

    def grouped_errors(self) -> list[tuple[str, list[str]]]:
        """(message, addresses) with one entry per distinct message: a crashed plugin fails
        every operation in flight with the same words, said once."""
        groups: dict[str, list[str]] = {}
        for address, message in sorted(self.errors.items()):
            groups.setdefault(message, []).append(address)
        return list(groups.items())


def _steps(change: ResourceChange) -> list[str]:
    return {
        Action.CREATE: ["create"],
        Action.UPDATE: ["update"],
        Action.DELETE: ["destroy"],
        Action.REPLACE: ["destroy", "create"],
        Action.NOOP: [],
    }[change.action]


def build_graph(plan: Plan) -> dict[str, set[str]]:
    """Operation nodes and their dependencies (see module docstring)."""
    changes = plan.by_address()
    steps = {a: _steps(c) for a, c in changes.items()}
    graph: dict[str, set[str]] = {}
    dependents_in_state: dict[str, set[str]] = {}
    for address, change in changes.items():
        for dep in change.prior.dependencies if change.prior else ():
            dependents_in_state.setdefault(dep, set()).add(address)
    for address, change in changes.items():
        for step in steps[address]:
            node = f"{step}:{address}"
            graph[node] = set()
            if step == "destroy":
                for child in dependents_in_state.get(address, ()):
                    graph[node].update(
                        f"{s}:{child}" for s in steps.get(child, ()) if s in ("destroy", "update")
                    )
                continue
            if step == "create" and "destroy" in steps[address]:
                graph[node].add(f"destroy:{address}")
            for dep in change.desired.depends_on if change.desired else ():
                graph[node].update(
                    f"{s}:{dep}" for s in steps.get(dep, ()) if s in ("create", "update")
                )
    return graph


class Applier:
    def __init__(
        self,
        ctx: OperationContext,
        plan: Plan,
        progress: Progress,
        *,
        parallelism: int = 10,
        stop: threading.Event | None = None,
    ) -> None:
        self.ctx = ctx
        self.plan = plan
        self.changes = plan.by_address()
        self.progress = progress
        self.parallelism = parallelism
        self.stop = stop or threading.Event()
        self.result = ApplyResult(DagResult())
        self._lock = threading.Lock()

    def run(self) -> ApplyResult:
        graph = build_graph(self.plan)
        with self.progress.ticker():
            dag = run_dag(graph, self._run_node, parallelism=self.parallelism, stop=self.stop)
        self.result.dag = dag
        for node, error in dag.failed.items():
            self.result.errors[node.split(":", 1)[1]] = _describe(error)
        return self.result

    def _run_node(self, node: str) -> None:
        step, address = node.split(":", 1)
        change = self.changes[address]
        verb = {"create": "create", "update": "update", "destroy": "destroy"}[step]
        started = time.monotonic()
        token = self.progress.started(address, verb)
        try:
            record_id = self._perform(step, change)
        except BaseException as error:
            if isinstance(error, PluginError):  # the plugin is gone: nothing more can work
                self.stop.set()
            if isinstance(error, Interrupted):  # never reached the provider: not a failure
                self.progress.cancelled(token)
                raise
            self.progress.failed(token, _describe(error))
            log.warning("%s %s failed: %s", step, address, type(error).__name__)
            raise
        elapsed = time.monotonic() - started
        self.progress.finished(token, record_id, elapsed)
        log.debug("%s %s done in %.3fs (id %s)", step, address, elapsed, record_id)
        self._count(step, change)

    def _perform(self, step: str, change: ResourceChange) -> str:
        if step == "destroy":
            operations.delete(self.ctx, change)
            return change.prior.id if change.prior else ""
        if step == "update":
            return operations.update(self.ctx, change).id
        return operations.create(self.ctx, change).id

    def _count(self, step: str, change: ResourceChange) -> None:
        key = {"create": "added", "update": "changed", "destroy": "destroyed"}[step]
        with self._lock:
            self.result.counts[key] += 1


def _describe(error: BaseException) -> str:
    message = str(error) or type(error).__name__
    path = getattr(error, "attribute_path", "")
    return f"{message} (attribute {path})" if path else message


OnRetry = Callable[[str, BaseException, float], None]
