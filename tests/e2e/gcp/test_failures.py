"""Bad input on GCP: one clear, located error and nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from genesys_emulators.testing import running

from ..conftest import genesys_env
from .conftest import LEAKY, PASSPHRASE, GcpCli, Google, toml_block

NETWORK = """
[[resources.network]]
name = "net"
cidr = "10.0.0.0/16"

[[resources.network.subnets]]
name = "apps"
cidr = "10.0.1.0/24"
"""


def _config(settings: dict, compute: str) -> str:
    return 'provider = "gcp"\nregion = "us-central1"\n' + NETWORK + compute + toml_block(settings)


def _failed_once(run) -> str:
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stderr)


def test_unknown_machine_type_is_located(cli: GcpCli, google: Google) -> None:
    compute = (
        '\n[[resources.compute]]\nname = "web"\nprovider_type = "n1-standard-3"\nnetwork = "net"\n'
    )
    cli.config.write_text(_config(google.ready["settings"], compute))
    error = _failed_once(cli("plan"))
    assert "compute.web" in error and "provider_type" in error and "n1-standard-3" in error
    assert list(google.compute("NetworksClient").list(project=google.project)) == []


def test_a_tag_gcp_refuses_as_a_label_is_located(cli: GcpCli, google: Google) -> None:
    compute = (
        '\n[[resources.compute]]\nname = "web"\nnetwork = "net"\ntags = { "1st-owner" = "ann" }\n'
    )
    cli.config.write_text(_config(google.ready["settings"], compute))
    error = _failed_once(cli("plan"))
    assert "compute.web" in error and "1st-owner" in error and "label" in error


def test_missing_credentials_say_how_to_get_them(cli: GcpCli, google: Google) -> None:
    settings = {k: v for k, v in google.ready["settings"].items() if k != "credentials"}
    cli.config.write_text(_config(settings, ""))
    # No ADC file, no key file, and no metadata server (GCE_METADATA_HOST answers nothing).
    error = _failed_once(
        cli("plan", GCE_METADATA_HOST="127.0.0.1:9", GCE_METADATA_IP="127.0.0.1:9")
    )
    assert (
        "gcloud auth application-default login" in error
        and "GOOGLE_APPLICATION_CREDENTIALS" in error
    )


def test_quota_exceeded_mid_apply_keeps_what_was_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENESYS_EMULATOR_GCP_QUOTA_CPUS", "5")  # room for two n1-standard-2
    with running("gcp") as ready:
        project = tmp_path / "project"
        project.mkdir()
        env = genesys_env(GENESYS_STATE_PASSPHRASE=PASSPHRASE)
        for leaky in LEAKY:
            env.pop(leaky, None)
        cli = GcpCli(project, env)
        compute = (
            '\n[[resources.compute]]\nname = "web"\ntype = "medium"\ncount = 3\nnetwork = "net"\n'
        )
        cli.config.write_text(_config(ready["settings"], compute))
        error = _failed_once(cli("apply", "--auto-approve", "--parallelism", "1"))
        assert "compute.web[2]" in error and "Quota 'CPUS' exceeded" in error
        listed = cli("state", "list").stdout.split()
        assert {"compute.web[0]", "compute.web[1]", "network.net"} <= set(listed)
        assert "compute.web[2]" not in listed
        google = Google(ready)
        scoped = google.compute("InstancesClient").aggregated_list(
            request={"project": google.project}
        )
        assert sorted(i.name for _, s in scoped for i in s.instances) == ["web-0", "web-1"]
        destroyed = cli("destroy", "--auto-approve")
        assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
