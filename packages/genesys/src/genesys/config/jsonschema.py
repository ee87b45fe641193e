"""The JSON Schema of the config file (draft 2020-12), generated from the models.

The models describe the normalised shape; the few places where the file accepts more
than one form (policies as a list of one-key maps) are added here.
"""

from __future__ import annotations

import copy
from typing import Any

from genesys.config.model import Config

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def config_schema() -> dict[str, Any]:
    schema = Config.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = DIALECT
    schema["title"] = "Genesys configuration (genesys.yaml / genesys.toml)"
    _describe_installed_providers(schema)
    definitions = schema.get("$defs", {})
    policies = definitions.get("Policies")
    if policies:
        policies["properties"].pop("enforcement", None)
        policies["properties"].pop("unknown_price", None)
        one_key_maps = {
            "type": "array",
            "description": "the list form: one `policy: value` map per item",
            "items": {
                "type": "object",
                "properties": copy.deepcopy(policies["properties"]),
                "additionalProperties": False,
                "minProperties": 1,
                "maxProperties": 1,
            },
        }
        schema["properties"]["policies"] = {
            "anyOf": [{"$ref": "#/$defs/Policies"}, one_key_maps],
            "description": "guardrails checked on every plan",
        }
    return schema


def _describe_installed_providers(schema: dict[str, Any]) -> None:
    """`provider`'s description says which plugins are installed where the schema is made:
    naming a cloud is not the same as being able to use it."""
    from genesys.config.installed import installed_names

    provider = schema["properties"]["provider"]
    names = installed_names()
    provider["description"] += (
        f". Installed here: {', '.join(names)}" if names else ". No provider plugin is installed"
    )
