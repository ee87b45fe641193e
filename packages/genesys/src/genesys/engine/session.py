"""One run of the engine: config + provider plugin + state, opened and closed together.

    with Session.open(config_path, operation="apply") as session:
        plan = session.plan()
        session.apply(plan, progress)

Opening loads and expands the config, takes the state lock, starts the one provider plugin
the config uses, configures and authenticates it, and settles operations a crashed earlier
run left in flight. Closing compacts state, unlocks it and stops the plugin.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genesys.config.desired import DesiredResource
from genesys.engine import planner
from genesys.engine.apply import Applier, ApplyResult
from genesys.engine.operations import (
    OperationContext,
    interrupted_create_token,
    recover_intents,
)
from genesys.engine.plan import Plan
from genesys.engine.progress import Progress
from genesys.engine.versions import check_plugin_version
from genesys.errors import GenesysError, PluginError
from genesys.state import StateManager

log = logging.getLogger("genesys.session")


@dataclass
class RunOptions:
    refresh: bool = True
    targets: list[str] = field(default_factory=list)
    destroy: bool = False
    parallelism: int | None = None
    timeout: float = 1800.0


def _load(config_path: Path, provider: str | None = None) -> tuple[Any, list[DesiredResource]]:
    from genesys.config import expand, load_config
    from genesys.config.overrides import with_overrides

    config = load_config(config_path)
    if provider is not None:  # `plan --provider NAME`: the config as NAME would plan it
        config = config.model_copy(update={"provider": provider})
    planned = with_overrides(config, config.provider_name)  # its `overrides.<provider>`
    # `planned` is the loaded config itself, or a copy that the loader's build is not for.
    return planned, expand(planned, unchanged_since_load=True)


def _plugin_manager(config: Any, early: Any) -> Any:
    """The manager of this run's plugins: the early-started one when the guess held."""
    from genesys.plugins import PluginManager
    from genesys.plugins.manager import env_passthrough_of

    passthrough = env_passthrough_of(config)
    if early is not None:
        taken = early.take(config.plugin, passthrough.get(config.provider_name, ()))
        if taken is not None:
            return taken
    return PluginManager(env_passthrough=passthrough)


class Session:
    def __init__(
        self,
        config: Any,
        desired: list[DesiredResource],
        state: StateManager,
        conn: Any,
        identity: dict[str, str],
        facts: planner.ProviderFacts,
        config_digest: str,
    ) -> None:
        self.config = config
        self.desired = desired
        self.state = state
        self.conn = conn
        self.identity = identity
        self.facts = facts
        self.config_digest = config_digest
        self.notes: list[str] = []

    # ---------------------------------------------------------------- opening

    @classmethod
    @contextlib.contextmanager
    def open(cls, config_path: Path, *, operation: str, lock: bool = True,
             provider: str | None = None) -> Iterator[Session]:
        """`provider`: plan as that provider would, against a fresh, empty state (the
        configured provider and its state are not touched)."""
        from genesys.plugins.early import EarlyStart

        # the plugin starts while the config loads
        early = EarlyStart.begin(config_path) if provider is None else None
        try:
            config, desired = _load(config_path, provider)
        except BaseException:
            if early is not None:
                early.close()
            raise
        digest = hashlib.sha256(Path(config_path).read_bytes()).hexdigest()
        plugins = _plugin_manager(config, early)
        try:
            from genesys.engine.state_backend import open_state

            conn = plugins.get(config.plugin)
            settings = config.providers.get(config.provider_name)
            check_plugin_version(
                config.provider_name,
                conn.metadata.version,
                settings.version if settings else None,
                config.base_dir,
            )
            identity = configure_plugin(
                conn, config, config.base_dir.resolve(), config.provider_name
            )
            facts = _facts(conn)
            if provider is not None:
                from genesys.engine.state_backend import fresh_state

                states = fresh_state(operation)
            else:
                states = open_state(
                    config, Path(config_path), plugins, identity, operation=operation, lock=lock
                )
            with states as state:
                session = cls(config, desired, state, conn, identity, facts, digest)
                log.info(
                    "opened %s: provider %s %s, state serial %d, %d resources desired",
                    config.display_name,
                    conn.metadata.name,
                    conn.metadata.version,
                    state.serial,
                    len(desired),
                )
                if lock:
                    session._recover()
                yield session
        finally:
            plugins.close()

    def _context(self, options: RunOptions) -> OperationContext:
        return OperationContext(
            conn=self.conn,
            state=self.state,
            provider=self.config.provider_name,
            identity=self.identity,
            sensitive=self.facts.sensitive,
            timeout=options.timeout,
        )

    def _recover(self) -> None:
        recover_intents(
            self._context(RunOptions()), {d.address: d for d in self.desired}, self.notes.append
        )

    # ---------------------------------------------------------------- planning

    def check_capabilities(self) -> None:
        """One located error per desired resource the provider cannot create."""
        from genesys.config import unsupported
        from genesys.errors import ConfigError
        from genesys.kinds import KINDS_BY_ENUM

        metadata = self.conn.metadata
        kinds = [KINDS_BY_ENUM[k].name for k in metadata.capabilities if k in KINDS_BY_ENUM]
        problems = unsupported(self.desired, self.config.provider_name, kinds)
        if problems:
            raise ConfigError(problems)

    def plan(self, options: RunOptions) -> Plan:
        from genesys.config.gc_pause import paused_gc

        with paused_gc():  # records, diffs and changes per resource: many objects, no cycles
            return self._plan(options)

    def _plan(self, options: RunOptions) -> Plan:
        if not options.destroy:
            self.check_capabilities()
        records = dict(self.state.resources)
        drift: dict[str, str] = {}
        if options.refresh and records:
            records, drift = self._refresh(records)
        changes = self._changes(options, records, drift, {})
        made_as = {c.address: c.made_as for c in changes if c.made_as}
        if made_as:  # again, so what reads those resources sees their values, not unknowns
            changes = self._changes(options, records, drift, made_as)
        errors = [f"{c.address}: {d}" for c in changes for d in c.diagnostics]
        if errors:
            self._raise_located_override_refusals(changes)
            raise GenesysError(
                "the provider cannot plan these resources:\n  " + "\n  ".join(errors)
            )
        plan = Plan(
            provider=self.config.provider_name,
            lineage=self.state.lineage,
            serial=self.state.serial,
            config_digest=self.config_digest,
            changes=changes,
            warnings=[str(w) for w in self.config.warnings]
            + [f"{c.address}: warning: {w}" for c in changes for w in c.warnings],
            destroy=options.destroy,
        )
        if plan.has_changes:
            from genesys.cost import complete_costs

            complete_costs(self.conn, plan)
        return plan

    def _raise_located_override_refusals(self, changes: list[Any]) -> None:
        """A value an `overrides.<provider>` set that the provider refuses is the config's
        error, at that override's line."""
        from genesys.config.overrides import located_refusals
        from genesys.errors import ConfigError

        refusals = [(c.desired, d) for c in changes if c.desired for d in c.diagnostics]
        found = located_refusals(self.config, self.config.provider_name, refusals)
        if found:
            raise ConfigError(found)

    def _changes(
        self,
        options: RunOptions,
        records: dict[str, Any],
        drift: dict[str, str],
        made_as: dict[str, dict[str, Any]],
    ) -> list[Any]:
        changes = planner.diff_resources(
            self.desired,
            records,
            self.facts,
            self.identity,
            destroy=options.destroy,
            made_as=made_as,
        )
        if options.targets:
            changes = planner.select_targets(changes, options.targets)
        resources, intents = self.state.resources, self.state.intents
        for change in changes:
            change.drift = drift.get(change.address, "")
            recorded = resources.get(change.address)
            if recorded is not None and recorded.unfinished_update:
                self._finish_interrupted_update(change)
            if change.address in intents:
                self._note_resumed_create(change)
        planner.annotate_with_provider(self.conn, changes)
        return changes

    def _finish_interrupted_update(self, change: Any) -> None:
        """An update a crashed run left half done (recovery marked its record) is planned
        again, even where what exists already matches the config: only the provider's update
        finishes it (e.g. starts an instance stopped mid-resize)."""
        from genesys.engine.convert import recorded_value
        from genesys.engine.plan import Action, AttributeChange

        recorded = self.state.resources.get(change.address)
        names = recorded.unfinished_update if recorded is not None else []
        if not names or change.desired is None or change.action not in (Action.NOOP, Action.UPDATE):
            return
        change.action = Action.UPDATE
        before = change.prior.attributes if change.prior is not None else {}
        for name in names:
            if name not in change.changed_attributes:
                value = before.get(recorded_value(name, None)[0])
                change.attribute_changes.append(
                    AttributeChange(name, value, change.after.get(name))
                )
        change.drift = "an interrupted update did not finish; it is applied again"

    def _note_resumed_create(self, change: Any) -> None:
        """A create a crashed run left in flight, not found by its token, is resumed with
        that token (operations.create): the plan says so."""
        from genesys.engine.plan import Action

        if change.action is Action.CREATE and interrupted_create_token(
            self.state, change.address, change.kind
        ):
            change.drift = "resuming an interrupted create"

    def _refresh(self, records: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Records as they exist now, and why each drifted (address -> words)."""
        started = time.monotonic()
        refreshed = planner.refresh(self.conn, records)
        log.info(
            "refreshed %d resources in %.3fs (%d gone)",
            len(records),
            time.monotonic() - started,
            len(refreshed.gone),
        )
        drift: dict[str, str] = {}
        for address in refreshed.gone:
            del refreshed.records[address]
            drift[address] = "deleted outside of Genesys"
        for address, message in refreshed.errors.items():
            self.notes.append(f"Warning: could not refresh {address}: {message}")
        for address, fresh in refreshed.records.items():
            if fresh is records[address]:
                continue  # read back exactly as recorded (planner._refreshed)
            changed = planner.drifted_attributes(records[address], fresh)
            if changed:
                drift[address] = "changed outside of Genesys: " + ", ".join(changed)
        return refreshed.records, drift

    # ---------------------------------------------------------------- applying

    def apply(
        self,
        plan: Plan,
        progress: Progress,
        options: RunOptions,
        stop: threading.Event | None = None,
    ) -> ApplyResult:
        parallelism = options.parallelism or self.conn.metadata.max_parallelism or 10
        ctx = self._context(options)
        ctx.on_retry = lambda address, error, pause: progress.note(
            f"{address}: {type(error).__name__.lower()}, retrying in {pause:.1f}s"
        )
        return Applier(ctx, plan, progress, parallelism=parallelism, stop=stop).run()

    def compute_outputs(self) -> dict[str, Any]:
        from genesys.engine.outputs import evaluate_outputs

        return evaluate_outputs(self.config, self.state, self.identity)


def configure_plugin(conn: Any, config: Any, working_dir: Path, name: str) -> dict[str, str]:
    """Configure + Authenticate one plugin; its identity fills ${account_id} & co."""
    from genesys.provider.v1 import provider_pb2
    from genesys_plugin_sdk import errors as perr
    from google.protobuf import struct_pb2

    block = config.providers.get(name)
    settings = struct_pb2.Struct()
    settings.update({k: v for k, v in (block.settings if block else {}).items() if v is not None})
    request = provider_pb2.ConfigureRequest(
        region=config.region or "",
        project=config.project or "",
        settings=settings,
        endpoints={k: str(v) for k, v in (block.endpoints if block else {}).items()},
        working_dir=str(working_dir),
    )
    try:
        response = conn.provider.Configure(request)
        errors = [d for d in response.diagnostics if d.severity == d.SEVERITY_ERROR]
        if errors:
            raise GenesysError(
                f"providers.{name}: "
                + "; ".join(
                    f"{d.attribute_path}: {d.summary}" if d.attribute_path else d.summary
                    for d in errors
                )
            )
        identity = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
    except perr.ProviderError as err:
        raise PluginError(f"provider {name!r}: {err}") from None
    return {
        "account_id": identity.account_id,
        "project_id": identity.project_id or (config.project or ""),
        "region": identity.region or (config.region or ""),
        "subscription_id": identity.account_id,  # Azure's word for the account
    }


_SCHEMA_CACHE: dict[tuple[str, str], planner.ProviderFacts] = {}


def _facts(conn: Any) -> planner.ProviderFacts:
    """Schema facts, cached per (provider, version) for the life of the process."""
    from genesys.provider.v1 import provider_pb2

    key = (conn.metadata.name, conn.metadata.version)
    if key not in _SCHEMA_CACHE:
        schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
        _SCHEMA_CACHE[key] = planner.ProviderFacts.from_schema(schema)
    return _SCHEMA_CACHE[key]


def stdin_is_tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty() and not os.environ.get("CI")
