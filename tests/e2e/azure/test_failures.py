"""Bad input on Azure: each one a clear error naming the resource (or setting), no traceback,
and nothing lost: what did succeed is in the state, what failed left nothing behind."""

from __future__ import annotations

from typing import Any

from genesys_provider_azure import tables

from .conftest import AzureCli, providers_block

HEAD = "provider: azure\nregion: eastus\n"


def _write(cli: AzureCli, ready: dict[str, Any], resources: str, **settings: str) -> None:
    block = providers_block(ready)
    for key, value in settings.items():
        block = (
            "\n".join(line for line in block.splitlines() if not line.strip().startswith(f"{key}:"))
            + f"\n    {key}: {value}\n"
        )
    cli.config.write_text(HEAD + "resources:\n" + resources + block)


def _failed(run: Any) -> str:
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "Traceback" not in out
    return str(out)


def test_a_storage_name_azure_refuses_is_named_before_any_call(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    _write(cli, emulator, "  storage:\n    - name: App_Data\n      type: bucket\n")
    out = _failed(cli("plan"))
    assert "storage.App_Data" in out and "Azure refuses the blob container name" in out
    assert not azure("resource").resource_groups.check_existence(cli.group)  # no call made


def test_an_unknown_vm_size_fails_that_vm_and_leaves_no_nic(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    _write(
        cli,
        emulator,
        (
            "  network:\n    - name: net\n      cidr: 10.1.0.0/16\n"
            "      subnets:\n        - name: web\n          cidr: 10.1.1.0/24\n"
            "  compute:\n    - name: vm\n      type: small\n      provider_type: Standard_Z99\n"
            "      image: ubuntu-lts\n      network: net\n"
        ),
    )
    out = _failed(cli("apply", "--auto-approve"))
    assert "compute.vm" in out and "Standard_Z99" in out
    assert list(azure("network").network_interfaces.list(cli.group)) == []
    listed = cli("state", "list").stdout.split()
    assert "network.net" in listed and "compute.vm" not in listed  # the rest was kept


def test_no_credentials_is_one_clear_error(cli: AzureCli, emulator: dict[str, Any]) -> None:
    # Nothing listens on port 9: the credential must fail before any request is sent.
    _write(
        cli,
        emulator,
        "  storage:\n    - name: data\n      type: bucket\n",
        credential="default",
        arm_endpoint='"https://127.0.0.1:9"',
    )
    out = _failed(cli("plan", timeout=120))
    assert "no Azure credentials" in out and "az login" in out
    assert out.count("Error") == 1


def test_a_real_credential_over_http_is_refused_at_configure(
    cli: AzureCli, emulator: dict[str, Any]
) -> None:
    _write(
        cli, emulator, "  storage:\n    - name: data\n      type: bucket\n", credential="default"
    )
    out = _failed(cli("plan"))
    assert "providers.azure" in out and "never sent over plain http" in out


def test_a_409_mid_apply_names_the_resource_and_keeps_the_rest(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    # Someone else's storage account already has the name Genesys derives for app-data.
    taken = tables.storage_account_name("app-data", emulator["account"], cli.group)
    azure("resource").resource_groups.create_or_update("someone-else", {"location": "eastus"})
    from azure.mgmt.storage import models

    azure("storage").storage_accounts.begin_create(
        "someone-else",
        taken,
        models.StorageAccountCreateParameters(
            sku=models.Sku(name="Standard_LRS"), kind="StorageV2", location="eastus"
        ),
    ).result()
    _write(
        cli,
        emulator,
        (
            "  storage:\n    - name: app-data\n      type: bucket\n"
            "  network:\n    - name: net\n      cidr: 10.2.0.0/16\n"
        ),
    )
    out = _failed(cli("apply", "--auto-approve"))
    assert "storage.app-data" in out and f"{taken} is already taken" in out
    assert "network.net" in cli("state", "list").stdout.split()  # finished work kept
    mine = [a.name for a in azure("storage").storage_accounts.list_by_resource_group(cli.group)]
    assert mine == []  # nothing half-made
    theirs = azure("storage").storage_accounts.get_properties("someone-else", taken)
    assert theirs.tags in (None, {})  # untouched
