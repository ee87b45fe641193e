"""Drift made with the Google SDKs is named in the plan and undone; what was made by hand is
discovered (every GCP kind) and adopted without a change in the cloud."""

from __future__ import annotations

import json

from .conftest import GcpCli, Google, toml_block

BUCKET = """provider = "gcp"
region = "us-central1"

[[resources.storage]]
name = "drifty-data"
type = "bucket"
versioning = true
encryption = true
tags = { Team = "platform" }
"""


def test_changes_made_outside_are_named_and_reverted(cli: GcpCli, google: Google) -> None:
    cli.config.write_text(BUCKET + toml_block(google.ready["settings"]))
    assert cli("apply", "--auto-approve").returncode == 0
    bucket = google.storage().get_bucket("drifty-data")
    bucket.labels = {**bucket.labels, "team": "someone-else"}
    bucket.versioning_enabled = False
    bucket.patch()

    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "# (changed outside of Genesys: tags, versioning)" in planned.stdout
    assert '~ tags = {"Team": "someone-else"} -> {"Team": "platform"}' in planned.stdout
    assert "~ versioning = null -> true" in planned.stdout  # the core shows false as null
    assert cli("apply", "--auto-approve").returncode == 0
    bucket = google.storage().get_bucket("drifty-data")
    assert bucket.labels["team"] == "platform" and bucket.versioning_enabled is True
    assert cli("plan", "--detailed-exitcode").returncode == 0


def _make_by_hand(google: Google) -> None:
    project = google.project
    google.compute("NetworksClient").insert(
        project=project, network_resource={"name": "legacy-net", "auto_create_subnetworks": False}
    ).result(timeout=30)
    google.compute("SubnetworksClient").insert(
        project=project,
        region="us-central1",
        subnetwork_resource={
            "name": "legacy-sub",
            "network": "global/networks/legacy-net",
            "ip_cidr_range": "10.5.0.0/24",
        },
    ).result(timeout=30)
    google.compute("FirewallsClient").insert(
        project=project,
        firewall_resource={
            "name": "legacy-web-in",
            "network": "global/networks/legacy-net",
            "allowed": [{"I_p_protocol": "tcp", "ports": ["80"]}],
        },
    ).result(timeout=30)
    image = "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts"
    google.compute("InstancesClient").insert(
        project=project,
        zone="us-central1-a",
        instance_resource={
            "name": "legacy-vm",
            "machine_type": "zones/us-central1-a/machineTypes/n1-standard-4",
            "disks": [
                {"boot": True, "auto_delete": True, "initialize_params": {"source_image": image}}
            ],
            "network_interfaces": [{"subnetwork": "regions/us-central1/subnetworks/legacy-sub"}],
        },
    ).result(timeout=30)
    google.compute("DisksClient").insert(
        project=project, zone="us-central1-a", disk_resource={"name": "legacy-data", "size_gb": 50}
    ).result(timeout=30)
    google.compute("SslCertificatesClient").insert(
        project=project,
        ssl_certificate_resource={
            "name": "legacy-cert",
            "type_": "MANAGED",
            "managed": {"domains": ["legacy.example.com"]},
        },
    ).result(timeout=30)
    old = google.storage().bucket("old-assets")
    old.versioning_enabled = True
    google.storage().create_bucket(old)
    body = {
        "name": "legacy-db",
        "database_version": "POSTGRES_15",
        "settings": {"tier": "db-custom-1-3840"},
    }
    google.sql("SqlInstancesServiceClient").insert(request={"project": project, "body": body})


def test_every_kind_made_by_hand_is_discovered_and_one_adopted(cli: GcpCli, google: Google) -> None:
    cli.config.write_text(BUCKET + toml_block(google.ready["settings"]))
    assert cli("apply", "--auto-approve").returncode == 0
    _make_by_hand(google)
    found = cli("discover", "--json")
    assert found.returncode == 0, found.stderr
    rows = [json.loads(line) for line in found.stdout.splitlines() if line.strip()]
    by_kind = {(r["kind"], r["id"]) for r in rows}
    assert {
        ("instance", "us-central1-a/legacy-vm"),
        ("network", "legacy-net"),
        ("subnet", "us-central1/legacy-sub"),
        ("security_group", "legacy-web"),
        ("bucket", "old-assets"),
        ("database", "legacy-db"),
        ("volume", "us-central1-a/legacy-data"),
        ("certificate", "legacy-cert"),
    } <= by_kind
    assert ("bucket", "drifty-data") not in by_kind  # managed
    vm = next(r for r in rows if r["id"] == "us-central1-a/legacy-vm")
    assert "large" in vm["summary"] and "n1-standard-4" in vm["summary"]

    cli.config.write_text(
        cli.config.read_text().replace(
            "[providers.gcp]",
            '[[resources.storage]]\nname = "old-assets"\ntype = "bucket"\n'
            "versioning = true\n\n[providers.gcp]",
        )
    )
    adopted = cli("adopt", "storage.old-assets", "old-assets")
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    planned = cli("plan")
    assert "storage.old-assets will be created" not in planned.stdout, planned.stdout
    assert "storage.old-assets" in cli("state", "list").stdout
