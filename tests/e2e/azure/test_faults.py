"""--faults throttle=0.3: ARM answers 30% of mutating calls 429 + Retry-After; the apply still
completes, and no throttling error reaches the user (the SDK and the core retry)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from genesys_emulators.testing import running

from .conftest import AzureCli
from .test_seed import SEED_ADDRESSES, check_vms, seed_for_azure


@pytest.fixture
def emulator() -> Iterator[dict[str, Any]]:
    with running("azure", faults="throttle=0.3,seed=7") as ready:
        yield ready


def test_seed_applies_under_throttling(cli: AzureCli, emulator: dict[str, Any], azure: Any) -> None:
    # One SDK retry per call (default 3): a call then reaches the core after two 429s in a
    # row (9%, not 0.8%), so the core's own retry is exercised whatever order the concurrent
    # calls draw the seeded faults in.
    settings = {**emulator["settings"], "retry_total": 1}
    cli.config.write_text(seed_for_azure({**emulator, "settings": settings}))
    run = cli("apply", "--auto-approve", timeout=600)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert f"Resources: {SEED_ADDRESSES} added" in out
    for word in ("Error", "TooManyRequests", "Traceback"):
        assert word not in out
    # Throttling did happen: the SDK's own retries hid most, the core retried the rest.
    assert "throttled, retrying" in out
    check_vms(azure, cli.group, "Standard_B2s")


def test_mongodb_and_a_go_function_apply_under_throttling(
    cli: AzureCli, emulator: dict[str, Any], azure: Any
) -> None:
    """Cosmos DB's and the custom handler's calls (account and database operations, keys,
    zip deploy) are retried like every other: the apply completes, invoke answers."""
    import json

    from .conftest import providers_block
    from .test_mongodb_and_go import CONFIG, MAIN_GO

    (cli.project / "gofn").mkdir()
    (cli.project / "gofn" / "main.go").write_text(MAIN_GO)
    settings = {**emulator["settings"], "retry_total": 1}
    ready = {**emulator, "settings": settings}
    cli.config.write_text(CONFIG.format(size="small") + providers_block(ready))
    run = cli("apply", "--auto-approve", timeout=600)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "Resources: 2 added" in out and "Traceback" not in out
    database = azure("cosmos").mongo_db_resources.get_mongo_db_database(cli.group, "docs", "docs")
    assert database.properties.options.throughput == 400
    invoked = cli("invoke", "gofn", "--payload", '{"n": [2, 3]}')
    assert invoked.returncode == 0, invoked.stdout + invoked.stderr
    assert json.loads(invoked.stdout)["sum"] == 5
    assert cli("destroy", "--auto-approve", timeout=600).returncode == 0
    assert list(azure("cosmos").database_accounts.list_by_resource_group(cli.group)) == []
