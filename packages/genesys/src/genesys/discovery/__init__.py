"""Discovery and adoption: find what exists but is unmanaged, and bring it under a config.

    from genesys.discovery import discover, adopt, config_block, add_block_to_config

    for found in discover(conn, state.resources.values(), kinds=["instance"]):
        print(found.kind, found.id, found.summary)          # "medium (t3.medium), ..."
    adopted = adopt(conn, state.resources, address="compute.web", resource_id="i-0abc",
                    kinds=("instance",), provider="aws")
    state.commit(adopted.record)

Modules: discover (streaming Discover<Kind>s, summaries, suggested addresses), adopt
(Adopt<Kind> -> ResourceRecord), generate (config block from attributes, YAML/TOML text),
insert (adding the block to the user's file without disturbing the rest).
"""

from __future__ import annotations

from genesys.discovery.adopt import (
    Adopted,
    adopt,
    check_free,
    kinds_for_address,
    managed_ids,
    read_for_adoption,
)
from genesys.discovery.discover import (
    DiscoveredResource,
    config_name,
    discover,
    render_discovered,
    select_kinds,
    suggest_address,
    summarize,
)
from genesys.discovery.generate import (
    ConfigBlock,
    config_block,
    render_toml_table,
    render_yaml_item,
)
from genesys.discovery.insert import add_block_to_config, insert_yaml, with_block

__all__ = [
    "Adopted",
    "ConfigBlock",
    "DiscoveredResource",
    "add_block_to_config",
    "adopt",
    "check_free",
    "config_block",
    "config_name",
    "discover",
    "insert_yaml",
    "kinds_for_address",
    "managed_ids",
    "read_for_adoption",
    "render_discovered",
    "render_toml_table",
    "render_yaml_item",
    "select_kinds",
    "suggest_address",
    "summarize",
    "with_block",
]
