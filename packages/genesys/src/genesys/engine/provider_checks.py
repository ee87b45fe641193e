"""`genesys validate`'s provider pass: the plugin's own checks of every desired resource.

The config checks never contact a provider; this pass starts the provider's plugin (no
credentials needed: ValidateResources is offline) and turns what it reports into located
diagnostics, so a warning such as "PostgreSQL 14 is not installed; 15 will be used" shows
up before any plan.
"""

from __future__ import annotations

import re
from typing import Any

from genesys.config.diagnostics import Diagnostic
from genesys.engine.plan import UNKNOWN, Action, ResourceChange
from genesys.engine.planner import plan_item
from genesys.engine.references import resolve
from genesys.errors import PluginError


def provider_diagnostics(config: Any, desired: list[Any]) -> tuple[list[Diagnostic], str]:
    """(diagnostics, note): the note says why the provider was not asked, else ""."""
    from genesys.plugins import PluginManager
    from genesys.plugins.manager import env_passthrough_of
    from genesys.provider.v1 import provider_pb2
    from genesys_plugin_sdk import errors as perr

    if not desired:
        return [], ""
    try:
        with PluginManager(env_passthrough=env_passthrough_of(config)) as plugins:
            conn = plugins.get(config.plugin)
            items = [_item(resource) for resource in desired]
            request = provider_pb2.ValidateResourcesRequest(resources=[i.desired for i in items])
            response = conn.provider.ValidateResources(request)
    except PluginError as err:
        return [], f"the provider's own checks were not run: {err}"
    except perr.Unimplemented:
        return [], ""
    except perr.ProviderError as err:
        return [], f"the provider's own checks failed: {err}"
    unknown = [set(item.unknown_attributes) for item in items]
    return [
        _located(config, desired, d)
        for d in response.diagnostics
        if not (0 <= d.index < len(items) and _top_field(d.attribute_path) in unknown[d.index])
    ], ""


def _top_field(path: str) -> str:
    """`config.listeners[0].port` -> `listeners`: a value known only after apply (a
    reference) is not missing, whatever the plugin's ValidateResources thinks."""
    return re.split(r"[.\[]", path.removeprefix("config."), maxsplit=1)[0]


def _item(resource: Any) -> Any:
    after = {
        k: resolve(v, lambda address, attribute: UNKNOWN) for k, v in resource.attributes.items()
    }
    return plan_item(
        ResourceChange(resource.address, resource.kind, Action.CREATE, resource, None, after)
    )


def _located(config: Any, desired: list[Any], diagnostic: Any) -> Diagnostic:
    resource = desired[diagnostic.index] if 0 <= diagnostic.index < len(desired) else None
    where = resource.location if resource is not None else None
    path = resource.address if resource is not None else ""
    if diagnostic.attribute_path:
        path += ("." if path else "") + diagnostic.attribute_path
    is_error = diagnostic.severity == diagnostic.SEVERITY_ERROR
    return Diagnostic(
        file=where.file if where else config.display_name,
        line=where.line if where else 0,
        column=where.column if where else 0,
        path=path,
        message=diagnostic.summary,
        severity="error" if is_error else "warning",
    )
