"""Issue 9's "done when": the seed TOML (and the seed YAML on gcp) applied against
`genesys-emulator gcp` with its state in GCS, checked through the Google SDKs.

Apply the seed as written, check every promise through the SDKs (never through our plugin),
check the state really is in the GCS bucket and encrypted; then a no-op plan, a size change
that GCP makes in place (stop -> setMachineType -> start; Cloud SQL patches its tier), and a
destroy that leaves nothing behind.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from .conftest import PASSPHRASE, SEEDS, GcpCli, Google, seed_yaml_on_gcp, toml_block

SEED_ADDRESSES = 14  # 3 instances, vpc, 2 subnets, implicit web-sg, bucket, db, function,
# static-site (bucket, certificate, cdn), api (function)
STATE_PREFIX = "genesys/default/"


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


def _instances(google: Google) -> list[Any]:
    request = {"project": google.project, "filter": 'labels.environment = "production"'}
    scoped = google.compute("InstancesClient").aggregated_list(request=request)
    return sorted((i for _, s in scoped for i in s.instances), key=lambda i: i.name)


def check_instances(google: Google, machine_type: str) -> list[int]:
    network = google.compute("NetworksClient").get(project=google.project, network="main-vpc")
    subnets = {s.rsplit("/", 1)[-1] for s in network.subnetworks}
    assert subnets == {"main-vpc-public", "main-vpc-private"}
    servers = _instances(google)
    assert [s.name for s in servers] == ["web-server-0", "web-server-1", "web-server-2"]
    for server in servers:
        assert server.machine_type.endswith(f"/machineTypes/{machine_type}")
        assert server.status == "RUNNING"
        nic = server.network_interfaces[0]
        assert nic.network == network.self_link and nic.subnetwork.rsplit("/", 1)[-1] in subnets
        # The seed's tags, as GCP labels: keys lower-cased.
        assert server.labels["environment"] == "production" and server.labels["team"] == "platform"
        assert list(server.tags.items) == ["main-vpc-web-sg"]  # the firewall's target tag
    firewall = google.compute("FirewallsClient").get(
        project=google.project, firewall="main-vpc-web-sg-out"
    )
    assert list(firewall.target_tags) == ["main-vpc-web-sg"]
    return [s.id for s in servers]


def check_bucket(google: Google) -> None:
    bucket = google.storage().get_bucket("app-data")
    assert bucket.versioning_enabled is True
    assert [r["condition"]["age"] for r in bucket.lifecycle_rules] == [90]
    assert bucket.iam_configuration.public_access_prevention == "enforced"


def check_database_and_function(google: Google, tier: str) -> None:
    db = google.sql("SqlInstancesServiceClient").get(
        request={"project": google.project, "instance": "app-db"}
    )
    assert db.database_version.name == "POSTGRES_14" and db.state.name == "RUNNABLE"
    assert db.settings.tier == tier and db.settings.data_disk_size_gb == 100
    assert db.settings.availability_type.name == "REGIONAL"  # multi_az
    assert db.settings.backup_configuration.start_time == "03:00"
    assert db.settings.backup_configuration.backup_retention_settings.retained_backups == 7
    name = f"projects/{google.project}/locations/us-central1/functions/api-handler"
    function = google.functions().get_function(name=name)
    address = db.ip_addresses[0].ip_address
    assert function.service_config.environment_variables["DB_HOST"] == address
    assert (function.build_config.runtime, function.build_config.entry_point) == (
        "python311",
        "handler",
    )
    assert (
        function.service_config.available_memory == "512M"
        and function.service_config.timeout_seconds == 30
    )
    assert function.service_config.uri


def check_outcomes(google: Google) -> None:
    """static-site: website bucket behind Cloud CDN with a managed certificate; api: a URL."""
    website = google.storage().get_bucket("example-com")._properties["website"]
    assert website["mainPageSuffix"] == "index.html"
    certificates = list(google.compute("SslCertificatesClient").list(project=google.project))
    assert [list(c.managed.domains) for c in certificates] == [["example.com"]]
    backends = list(google.compute("BackendBucketsClient").list(project=google.project))
    assert [(b.bucket_name, b.enable_cdn) for b in backends] == [("example-com", True)]
    proxies = list(google.compute("TargetHttpsProxiesClient").list(project=google.project))
    assert [p.ssl_certificates[0].rsplit("/", 1)[-1] for p in proxies] == [certificates[0].name]
    rules = list(google.compute("GlobalForwardingRulesClient").list(project=google.project))
    assert [r.port_range for r in rules] == ["443"]
    name = f"projects/{google.project}/locations/us-central1/functions/my-api"
    assert google.functions().get_function(name=name).service_config.uri


def check_state_in_gcs(google: Google, secrets: list[str]) -> None:
    bucket = google.storage().get_bucket(f"genesys-state-{google.project}")
    assert bucket.versioning_enabled is True
    blobs = list(google.storage().list_blobs(bucket))
    keys = [b.name for b in blobs]
    assert f"{STATE_PREFIX}snapshot.json" in keys and all(k.startswith(STATE_PREFIX) for k in keys)
    for blob in blobs:
        body = blob.download_as_bytes().decode()
        for secret in secrets:
            assert secret not in body, f"{secret!r} readable in gs://{bucket.name}/{blob.name}"
    snapshot = bucket.get_blob(f"{STATE_PREFIX}snapshot.json").download_as_bytes().decode()
    assert '"AES-256-GCM"' in snapshot and '"ciphertext"' in snapshot
    assert f"{STATE_PREFIX}.genesys.lock" not in keys  # every run released its lock


def check_nothing_left(google: Google) -> None:
    project = google.project
    assert _instances(google) == []
    for client in (
        "NetworksClient",
        "FirewallsClient",
        "SslCertificatesClient",
        "BackendBucketsClient",
        "UrlMapsClient",
        "TargetHttpsProxiesClient",
        "GlobalForwardingRulesClient",
    ):
        assert list(google.compute(client).list(project=project)) == [], client
    scoped = google.compute("DisksClient").aggregated_list(request={"project": project})
    assert [d.name for _, s in scoped for d in s.disks] == []  # boot disks went with them
    buckets = [b.name for b in google.storage().list_buckets()]
    assert buckets == [f"genesys-state-{project}"]
    sql = google.sql("SqlInstancesServiceClient").list(request={"project": project})
    assert list(sql.items) == []
    parent = f"projects/{project}/locations/-"
    assert list(google.functions().list_functions(request={"parent": parent})) == []


def _resize(cli: GcpCli, pairs: tuple[tuple[str, str], ...]) -> None:
    text = cli.config.read_text()
    for before, after in pairs:
        assert text.count(before) == 1, f"the seed changed: {before!r} not found once"
        text = text.replace(before, after)
    cli.config.write_text(text)


def apply_and_check(cli: GcpCli, google: Google) -> list[int]:
    applied = cli("apply", "--auto-approve")
    _ok(applied)
    assert (
        f"Apply complete! Resources: {SEED_ADDRESSES} added, 0 changed, 0 destroyed."
        in applied.stdout
    )
    mapping = "Environment=production -> environment=production, Team=platform -> team=platform"
    assert "compute.web-server[0]: warning: tags become GCP labels" in applied.stderr
    assert mapping in applied.stderr
    ids = check_instances(google, "n1-standard-2")
    check_bucket(google)
    check_database_and_function(google, "db-custom-2-7680")
    check_outcomes(google)
    db = google.sql("SqlInstancesServiceClient").get(
        request={"project": google.project, "instance": "app-db"}
    )
    check_state_in_gcs(google, ["web-server", "app-db", db.ip_addresses[0].ip_address])
    listed = _ok(cli("state", "list")).split()  # read back from GCS through the CLI
    assert len(listed) == SEED_ADDRESSES and "compute.web-server[2]" in listed
    wrong = cli("plan", GENESYS_STATE_PASSPHRASE="not " + PASSPHRASE)
    assert wrong.returncode == 1 and "passphrase" in wrong.stderr.lower(), wrong.stderr
    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert "No changes. Your infrastructure matches the configuration." in noop.stdout
    return ids


def resize_destroy_and_check(
    cli: GcpCli, google: Google, ids: list[int], pairs: tuple[tuple[str, str], ...]
) -> None:
    _resize(cli, pairs)
    changed = cli("plan", "--detailed-exitcode")
    assert changed.returncode == 2, changed.stdout + changed.stderr
    assert "Plan: 0 to add, 4 to change, 0 to destroy." in changed.stdout
    assert '~ size = "medium" -> "large" (n1-standard-4)' in changed.stdout
    assert '~ size = "medium" -> "large" (db-custom-4-15360)' in changed.stdout
    assert "Apply complete! Resources: 0 added, 4 changed, 0 destroyed." in _ok(
        cli("apply", "--auto-approve")
    )
    assert check_instances(google, "n1-standard-4") == ids  # the same instances, changed in place
    check_database_and_function(google, "db-custom-4-15360")
    assert cli("plan", "--detailed-exitcode").returncode == 0
    destroyed = _ok(cli("destroy", "--auto-approve"))
    assert (
        f"Destroy complete! Resources: 0 added, 0 changed, {SEED_ADDRESSES} destroyed." in destroyed
    )
    check_nothing_left(google)
    assert _ok(cli("state", "list")).strip() == ""


@pytest.mark.timeout(900)
def test_seed_toml_applies_on_gcp_with_state_in_gcs(cli: GcpCli, google: Google) -> None:
    shutil.copy(SEEDS / "genesys.toml", cli.config)  # as written, plus the emulator's settings
    with cli.config.open("a") as config:
        config.write(toml_block(google.ready["settings"]))
    ids = apply_and_check(cli, google)
    pairs = (('type = "medium"', 'type = "large"'), ('size = "medium"', 'size = "large"'))
    resize_destroy_and_check(cli, google, ids, pairs)


@pytest.mark.timeout(900)
def test_seed_yaml_with_provider_gcp_does_the_same(cli: GcpCli, google: Google) -> None:
    cli.config_name = "genesys.yaml"
    cli.config.write_text(seed_yaml_on_gcp(google.ready["settings"]))
    ids = apply_and_check(cli, google)
    pairs = (("type: medium  #", "type: large  #"), ("size: medium  #", "size: large  #"))
    resize_destroy_and_check(cli, google, ids, pairs)
