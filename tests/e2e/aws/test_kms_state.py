"""`encrypt: true` with `kms_key` on the s3 backend: the data key is made and unwrapped by
KMS (moto) through the AWS plugin's StateStore, no passphrase anywhere, and what is stored
is ciphertext plus the wrapped key, never the plaintext key."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from .conftest import AwsCli

Aws = Callable[[str], Any]
STATE_BUCKET = "genesys-state-123456789012"  # moto's account id
PREFIX = "kms/"
ALIAS = "alias/genesys-state"
N_BUCKETS = 3


def _config(*, kms_key: str | None) -> str:
    lines = ["provider: aws", "region: us-east-1", "resources:", "  storage:"]
    for i in range(N_BUCKETS):
        lines += [f"    - name: kms-secret-bucket-{i}", "      type: bucket"]
    lines += [
        "state:",
        "  backend: s3",
        "  bucket: genesys-state-${account_id}",
        "  prefix: kms",
        "  encrypt: true",
    ]
    if kms_key:
        lines.append(f"  kms_key: {kms_key}")
    return "\n".join(lines) + "\n"


def _state_objects(aws: Aws) -> dict[str, bytes]:
    s3 = aws("s3")
    listed = s3.list_objects_v2(Bucket=STATE_BUCKET, Prefix=PREFIX).get("Contents", [])
    return {
        o["Key"]: s3.get_object(Bucket=STATE_BUCKET, Key=o["Key"])["Body"].read() for o in listed
    }


def _no_passphrase(cli: AwsCli) -> None:
    cli.env.pop("GENESYS_STATE_PASSPHRASE", None)


def test_kms_wrapped_data_key_encrypts_state_without_a_passphrase(cli: AwsCli, aws: Aws) -> None:
    key_id = aws("kms").create_key(Description="genesys state")["KeyMetadata"]["KeyId"]
    aws("kms").create_alias(AliasName=ALIAS, TargetKeyId=key_id)
    _no_passphrase(cli)
    cli.config.write_text(_config(kms_key=ALIAS))

    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    objects = _state_objects(aws)
    snapshot = json.loads(objects[f"{PREFIX}snapshot.json"])
    kdf = snapshot["encryption"]["kdf"]
    assert kdf["name"] == "kms" and key_id in kdf["key_id"], kdf
    assert "resources" not in snapshot and snapshot["ciphertext"]
    for key, data in objects.items():  # snapshot and every journal segment are sealed
        assert b"kms-secret-bucket" not in data, key

    # The plaintext data key (asked of KMS here, directly) is nowhere in what was stored.
    wrapped = base64.b64decode(kdf["wrapped"])
    plain = aws("kms").decrypt(CiphertextBlob=wrapped, EncryptionContext=kdf["context"])
    data_key = plain["Plaintext"]
    assert len(data_key) == 32
    stored = b"".join(objects.values()) + b"".join(
        p.read_bytes() for p in cli.project.rglob("*") if p.is_file()
    )
    for form in (data_key, base64.b64encode(data_key), data_key.hex().encode()):
        assert form not in stored

    # A second run unwraps the key through KMS and finds nothing to change.
    again = cli("plan", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    listed = cli("state", "list")  # state commands read it the same way
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.split()) == N_BUCKETS

    # Copied out of its backend, the state cannot be opened: only that backend's plugin
    # reaches the key service, and the message says so.
    copied = cli.project / "copied"
    (copied / ".genesys" / "state" / "default").mkdir(parents=True)
    (copied / ".genesys" / "state" / "default" / "snapshot.json").write_bytes(
        objects[f"{PREFIX}snapshot.json"]
    )
    (copied / "genesys.yaml").write_text("provider: aws\nregion: us-east-1\n")
    local = cli("state", "list", "-c", str(copied / "genesys.yaml"))
    assert local.returncode == 1, local.stdout + local.stderr
    assert "wrapped by the KMS key" in local.stderr and "no key service" in local.stderr

    # A wrapped key moved to another context does not unwrap: KMS refuses, the error says so.
    original = objects[f"{PREFIX}snapshot.json"]
    tampered = original.replace(b'"genesys:purpose":"state"', b'"genesys:purpose":"other"')
    assert tampered != original
    aws("s3").put_object(Bucket=STATE_BUCKET, Key=f"{PREFIX}snapshot.json", Body=tampered)
    refused = cli("plan")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    assert "data key" in refused.stderr and "InvalidCiphertext" in refused.stderr, refused.stderr


def test_encrypt_without_a_key_source_names_both(cli: AwsCli, aws: Aws) -> None:
    _no_passphrase(cli)
    cli.config.write_text(_config(kms_key=None))
    failed = cli("plan")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
    assert "state.kms_key" in failed.stderr and "GENESYS_STATE_PASSPHRASE" in failed.stderr
    # Refused before anything was stored (in plaintext or otherwise).
    assert STATE_BUCKET not in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]


def test_kms_key_without_encrypt_is_refused(cli: AwsCli, aws: Aws) -> None:
    cli.config.write_text(_config(kms_key=ALIAS).replace("  encrypt: true\n", ""))
    failed = cli("plan")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "state.kms_key is set but state.encrypt is not" in failed.stderr, failed.stderr
    assert STATE_BUCKET not in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]


def test_unknown_kms_key_is_named(cli: AwsCli) -> None:
    _no_passphrase(cli)
    cli.config.write_text(_config(kms_key="alias/no-such-key"))
    failed = cli("apply", "--auto-approve")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
    assert "alias/no-such-key" in failed.stderr, failed.stderr
