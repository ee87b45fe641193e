"""The seed TOML with provider = "azure" and an azureblob state block: the same promises as
the YAML, checked through the Azure SDKs; no-op plan, in-place resize, destroy."""

from __future__ import annotations

import json
from typing import Any

from .conftest import SEEDS, AzureCli
from .test_seed import (
    _ok,
    check_database_and_function,
    check_nothing_left,
    check_state_in_blob,
    check_static_site,
    check_storage,
    check_vms,
)

GROUP = "genesys-my-project"  # the TOML seed's project = "my-project"
SEED_ADDRESSES = 14  # as the YAML: both outcomes (the api's handler on nodejs18)


def seed_toml_for_azure(ready: dict[str, Any]) -> str:
    text = (SEEDS / "genesys.toml").read_text()
    text = text.replace('provider = "gcp"', 'provider = "azure"', 1)
    text = text.replace('region = "us-central1"', 'region = "eastus"', 1)
    start, end = text.index("[state]"), text.index("[policies]")
    state = (
        '[state]\nbackend = "azureblob"\nstorage_account = "devstoreaccount1"\n'
        'container = "state-${subscription_id}"\nencrypt = true\n\n'
    )
    settings = "".join(f"{k} = {json.dumps(v)}\n" for k, v in ready["settings"].items())
    return text[:start] + state + text[end:] + "\n[providers.azure]\n" + settings


def test_seed_toml_on_azure(cli: AzureCli, emulator: dict[str, Any], azure: Any, blob: Any) -> None:
    config = cli.project / "genesys.toml"
    config.write_text(seed_toml_for_azure(emulator))
    applied = _ok(cli("apply", "--auto-approve"))
    assert f"Apply complete! Resources: {SEED_ADDRESSES} added, 0 changed, 0 destroyed." in applied
    vm_ids = check_vms(azure, GROUP, "Standard_B2s")
    check_storage(azure, GROUP, tags={})  # the TOML seed's bucket has no tags
    check_database_and_function(azure, GROUP, "Standard_D2s_v3")
    check_static_site(azure, emulator, GROUP)
    # ${subscription_id} came from the plugin's identity: the state container is named for it.
    where = f"state-{emulator['account']}"
    check_state_in_blob(blob, ["web-server", "app-db.postgres"], where)
    invoked = _ok(cli("invoke", "my-api"))  # the api outcome: a Node.js handler, really run
    assert json.loads(invoked) == {"error": "no source configured for my-api"}
    unchanged = cli("plan", "--detailed-exitcode")
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr

    text = config.read_text()
    assert text.count('type = "medium"') == 1 and text.count('size = "medium"') == 1
    config.write_text(
        text.replace('type = "medium"', 'type = "large"').replace(
            'size = "medium"', 'size = "large"'
        )
    )
    resized = _ok(cli("apply", "--auto-approve"))
    assert "Apply complete! Resources: 0 added, 4 changed, 0 destroyed." in resized
    assert check_vms(azure, GROUP, "Standard_D2s_v3") == vm_ids  # in place

    _ok(cli("destroy", "--auto-approve"))
    check_nothing_left(azure, GROUP)
