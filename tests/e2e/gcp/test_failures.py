"""Bad input on GCP: one clear, located error and nothing lost."""

from __future__ import annotations

import re
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
        assert "Quota 'CPUS' exceeded" in error
        failed = re.findall(r"compute\.web\[\d\]", error)
        assert len(set(failed)) == 1, error  # the third instance, whichever was last
        made = {f"compute.web[{i}]" for i in range(3)} - set(failed)
        listed = cli("state", "list")
        assert made | {"network.net"} <= set(listed.stdout.split()), listed.stdout + listed.stderr
        assert failed[0] not in listed.stdout.split()
        google = Google(ready)
        scoped = google.compute("InstancesClient").aggregated_list(
            request={"project": google.project}
        )
        names = sorted(i.name for _, s in scoped for i in s.instances)
        assert names == sorted(
            m.replace("compute.", "").replace("[", "-").rstrip("]") for m in made
        )
        destroyed = cli("destroy", "--auto-approve")
        assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
