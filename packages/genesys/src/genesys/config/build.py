"""The state shared by the converters that turn config blocks into DesiredResources."""

from __future__ import annotations

from dataclasses import dataclass, field

from genesys.config.code import CodeError, check_source, code_of, has_placeholder, placeholder_code
from genesys.config.desired import DesiredResource, Location, Value
from genesys.config.diagnostics import Path
from genesys.config.model import Config
from genesys.config.namespace import Namespace
from genesys.config.reporter import Reporter, locator


@dataclass
class Build:
    cfg: Config
    ns: Namespace
    reporter: Reporter
    with_code: bool  # False when only validating: sources are checked, not read
    resources: list[DesiredResource] = field(default_factory=list)
    # Config path of each block -> the addresses built from it (for reference edges).
    owners: dict[Path, list[str]] = field(default_factory=dict)
    _locations: dict[Path, Location] = field(default_factory=dict)
    # Whether a function or layer asked for code: such a build differs by `with_code`.
    reads_code: bool = False

    def __post_init__(self) -> None:
        # What `cfg.location_of` reads, fetched once: private attributes of a pydantic
        # model are slow to read, and every resource needs a location.
        self._file = self.cfg.display_name
        self._positions = self.cfg._positions
        self._locate = locator(self._positions)
        self._translate = self.cfg._translate

    def location(self, path: Path) -> Location:
        """`cfg.location_of(path)`, for the paths of blocks."""
        location = self._locations.get(path)
        if location is None:  # one lookup per block, however large its count
            if not self._positions:
                location = Location(self._file)
            else:
                written = self._translate(path) if self._translate else path
                location = Location(self._file, *self._locate(written))
            self._locations[path] = location
        return location

    def add(
        self,
        address: str,
        kind: str,
        attributes: dict[str, Value],
        path: Path,
        origin: str = "",
    ) -> DesiredResource:
        resource = DesiredResource(
            address=address,
            kind=kind,
            attributes=attributes,
            location=self.location(path),
            origin=origin,
            policy_overrides=self.overrides(path),
        )
        self.resources.append(resource)
        owners = self.owners.get(path)
        if owners is None:
            owners = self.owners[path] = []
        owners.append(address)
        return resource

    def overrides(self, path: Path) -> dict[str, str]:
        """The `policy_overrides` of the block at `path` (outcomes: the outcome's block)."""
        block: object = self.cfg
        for part in path:
            if isinstance(part, int):
                block = block[part] if isinstance(block, list) and part < len(block) else None
            else:
                block = getattr(block, str(part).replace("-", "_"), None)
            if block is None:
                return {}
        return dict(getattr(block, "policy_overrides", None) or {})

    def code(
        self, source: str | None, path: Path, *, name: str, runtime: str, handler: str
    ) -> dict[str, Value] | None:
        """`code` attribute for a function (placeholder when `source` is absent)."""
        self.reads_code = True
        if source is None:
            if not has_placeholder(runtime):
                self.reporter.error(
                    path,
                    f"function '{name}' needs `source`: Genesys has no placeholder for {runtime}",
                    "set source: to a directory or .zip with the code",
                )
                return None
            self.reporter.warning(
                path,
                f"function '{name}' has no `source`: a placeholder handler answering "
                f'{{"error": "no source configured for {name}"}} is deployed',
                "set source: to a directory or .zip with your code",
            )
            return placeholder_code(name, runtime, handler) if self.with_code else None
        return self.source_code(source, (*path, "source"))

    def source_code(self, source: str, path: Path) -> dict[str, Value] | None:
        self.reads_code = True
        problem = check_source(source, self.cfg.base_dir)
        if problem:
            self.reporter.error(path, problem)
            return None
        if not self.with_code:
            return None
        try:
            return code_of(source, self.cfg.base_dir)
        except CodeError as err:
            self.reporter.error(path, str(err))
            return None


def optional(attributes: dict[str, Value], **values: Value) -> dict[str, Value]:
    """Adds the values that are set (not None) to `attributes`; returns it."""
    for key, value in values.items():
        if value is not None:
            attributes[key] = value
    return attributes
