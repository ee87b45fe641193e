"""Per-cloud overrides: `overrides: {aws: {provider_type: c6i.large}, gcp: {zone: ...}}` on
any resource or outcome block, applied only when that provider is the one planning.

One config serves every cloud; the few details that are truly cloud-specific (an exact
instance type, a zone) are pinned per provider instead of forking the file. The loader checks
every override as if it were written on the block itself (`check_overrides`: the key must be
one of the block's own keys, the value must pass that key's checks), so a typo is a located
config error whichever provider plans; `with_overrides(config, provider)` is the config that
provider plans. Whether the provider actually has the value (an instance type it does not
sell) is its plugin's answer at plan time, located at the override (see
`genesys.engine.session`).
"""

from __future__ import annotations

import functools
from typing import Any, get_args, get_origin

from genesys.config.diagnostics import Path, did_you_mean, format_path
from genesys.config.model import Config
from genesys.config.reporter import Reporter
from pydantic import BaseModel, ValidationError

# Keys that say which resource a block is, or its structure, not how a cloud makes it.
NOT_OVERRIDABLE = frozenset({"name", "overrides", "policy_overrides", "count"})
_ALIASES = {"static_site": "static-site"}


def blocks(model: BaseModel, path: Path = ()) -> list[tuple[Path, BaseModel]]:
    """Every block under `model` that can carry `overrides`, with its model path."""
    found: list[tuple[Path, BaseModel]] = []
    _collect(model, path, found)
    return found


def _collect(model: BaseModel, path: Path, found: list[tuple[Path, BaseModel]]) -> None:
    for name in _nested_fields(type(model)):
        value = getattr(model, name)
        step = _ALIASES.get(name, name)
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _visit(item, (*path, step, index), found)
        elif isinstance(value, BaseModel):
            _visit(value, (*path, step), found)


def _visit(item: BaseModel, where: Path, found: list[tuple[Path, BaseModel]]) -> None:
    if _carries_overrides(type(item)):
        found.append((where, item))
    _collect(item, where, found)


def overridden(cfg: BaseModel) -> list[tuple[Path, BaseModel]]:
    """The blocks whose `overrides` are set (any provider): all that the functions here act
    on. One walk per config (a config of 100,000 resources is asked three times per run);
    the config is not changed after loading (with_overrides changes a copy)."""
    last = _last_walk[0]  # (config, its blocks), replaced whole: safe across threads
    if last is not None and last[0] is cfg:
        return last[1]  # type: ignore[no-any-return]
    found = [(p, b) for p, b in blocks(cfg) if getattr(b, "overrides", None)]
    _last_walk[0] = (cfg, found)
    return found


_last_walk: list[Any] = [None]
_NESTED: dict[type, tuple[str, ...]] = {}


@functools.cache
def _carries_overrides(cls: type[BaseModel]) -> bool:
    return "overrides" in cls.model_fields


def _nested_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """Fields of `cls` whose type may hold a block that carries `overrides` (or a model
    holding one): the walk skips the others (a name, a size, a bucket's lifecycle rule)
    without reading them."""
    found = _NESTED.get(cls)
    if found is None:
        found = tuple(
            n for n, f in cls.model_fields.items() if _may_reach_block(f.annotation, {cls})
        )
        _NESTED[cls] = found
    return found


def _may_reach_block(annotation: Any, seen: set[type]) -> bool:
    if get_origin(annotation) is dict:
        return False  # the walk does not go into mappings
    if annotation is Any:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return False  # a model inside itself: its other fields decide
        if _carries_overrides(annotation):
            return True
        inner = seen | {annotation}
        return any(_may_reach_block(f.annotation, inner) for f in annotation.model_fields.values())
    return any(_may_reach_block(arg, seen) for arg in get_args(annotation))


def overridable_keys(block: BaseModel) -> list[str]:
    return [k for k in type(block).model_fields if k not in NOT_OVERRIDABLE]


def check_overrides(cfg: Config, reporter: Reporter) -> None:
    """Each override key must be the block's own and its value must pass that key's checks."""
    for path, block in overridden(cfg):
        for provider, values in getattr(block, "overrides", {}).items():
            for key, value in values.items():
                at = (*path, "overrides", provider, key)
                problem = _problem(block, key, value)
                if problem:
                    reporter.error(at, problem[0], hint=problem[1])


def _problem(block: BaseModel, key: str, value: Any) -> tuple[str, str | None] | None:
    keys = overridable_keys(block)
    if key not in keys:
        hint = did_you_mean(key, keys)
        what = type(block).__name__.removesuffix("Spec").removesuffix("Outcome").lower()
        return (f"unknown key {key!r}: a {what} block's overrides can set "
                + ", ".join(keys), hint)
    try:
        _merged(block, {key: value})
    except ValidationError as err:
        first = err.errors()[0]
        return (f"{first['msg']} (override of {key!r})", None)
    return None


def _merged(block: BaseModel, values: dict[str, Any]) -> BaseModel:
    written = block.model_dump(exclude={"overrides"}, exclude_unset=True, by_alias=True)
    return type(block).model_validate({**written, **values})


def with_overrides(cfg: Config, provider: str) -> Config:
    """The config `provider` plans: each block's `overrides.<provider>` merged into it.
    The config itself when nothing is overridden for that provider."""
    targets = [(p, b) for p, b in overridden(cfg) if getattr(b, "overrides", {}).get(provider)]
    if not targets:
        return cfg
    copy = cfg.model_copy(deep=True)
    copy._built = None  # the loader's build was of the config as written
    for path, _ in targets:
        _replace(copy, path, provider)
    return copy


def _replace(root: BaseModel, path: Path, provider: str) -> None:
    parent: Any = root
    for step in path[:-1]:
        parent = parent[step] if isinstance(step, int) else getattr(parent, _field(step))
    last = path[-1]
    block = parent[last] if isinstance(last, int) else getattr(parent, _field(str(last)))
    values = block.overrides[provider]
    merged = _merged(block, values)
    updated = block.model_copy(update={k: getattr(merged, k) for k in values})
    if isinstance(last, int):
        parent[last] = updated
    else:
        setattr(parent, _field(str(last)), updated)


def _field(step: str) -> str:
    return {v: k for k, v in _ALIASES.items()}.get(step, step)


def applied_overrides(cfg: Config, provider: str) -> list[str]:
    """Human lines for the plan: which blocks `provider`'s overrides change, and how."""
    lines = []
    for path, block in overridden(cfg):
        values = getattr(block, "overrides", {}).get(provider)
        if values:
            where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path)
            where = where.replace(".[", "[")
            shown = ", ".join(f"{k}={v}" for k, v in values.items())
            lines.append(f"{where}: overrides.{provider} applied ({shown})")
    return lines


def located_refusals(cfg: Config, provider: str, refusals: list[tuple[Any, str]]) -> list[Any]:
    """The provider's plan-time refusals (desired resource, "summary (attribute)") of a value
    an override set, as config diagnostics at that override: the plugin is the one that
    knows its instance types, the user wants to be pointed at the line they wrote."""
    from genesys.config.diagnostics import Diagnostic

    # A block without overrides has nothing here to point at: only those are looked up.
    by_location = {str(cfg.location_of(p)): (p, b) for p, b in overridden(cfg)}
    found = []
    for resource, text in refusals:
        attribute = text.rsplit("(", 1)[-1].rstrip(")") if text.endswith(")") else ""
        path, block = by_location.get(str(resource.location), ((), None))
        values = getattr(block, "overrides", {}).get(provider, {})
        key = next((k for k in values if attribute == k or attribute.startswith(f"{k}.")), None)
        if key is None:
            continue
        where = cfg.location_of((*path, "overrides", provider, key))
        written = format_path((*path, "overrides", provider, key))
        found.append(Diagnostic(where.file, where.line, where.column, written,
                                f"{provider} refuses it: {text} ({resource.address})"))
    return found
