"""Both outcomes on GCP with `genesys invoke` returning the handler's real result through the
emulator; the seed applied under injected throttling with no error reaching the user."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from genesys_emulators.testing import running

from ..conftest import genesys_env
from .conftest import LEAKY, PASSPHRASE, SEEDS, GcpCli, Google, toml_block

HANDLER = """\
import os


def handle(event, context):
    return {"sum": sum(event.get("numbers", [])), "region": os.environ.get("REGION")}
"""


def _ok(run) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


def test_static_site_and_api_outcomes_with_a_real_invoke(cli: GcpCli, google: Google) -> None:
    code = cli.project / "api"
    code.mkdir()
    (code / "app.py").write_text(HANDLER)
    cli.config.write_text(
        'provider = "gcp"\nregion = "us-central1"\n\n'
        '[outcomes.static-site]\ndomain = "shop.example.org"\n\n'
        '[outcomes.api]\nname = "calc"\nruntime = "python3.12"\nhandler = "app.handle"\n'
        'source = "api"\nenvironment = { REGION = "us-central1" }\n'
        + toml_block(google.ready["settings"])
    )
    assert "Apply complete! Resources: 4 added" in _ok(cli("apply", "--auto-approve"))
    invoked = cli("invoke", "calc", "--payload", '{"numbers": [1, 2, 39]}')
    assert invoked.returncode == 0, invoked.stderr
    assert json.loads(invoked.stdout) == {"sum": 42, "region": "us-central1"}
    # static-site: website bucket, Cloud CDN backend bucket, managed certificate, HTTPS rule.
    backends = list(google.compute("BackendBucketsClient").list(project=google.project))
    assert [(b.bucket_name, b.enable_cdn) for b in backends] == [("shop-example-org", True)]
    certificate = next(iter(google.compute("SslCertificatesClient").list(project=google.project)))
    assert list(certificate.managed.domains) == ["shop.example.org"]
    assert cli("plan", "--detailed-exitcode").returncode == 0
    _ok(cli("destroy", "--auto-approve"))
    assert list(google.compute("BackendBucketsClient").list(project=google.project)) == []


@pytest.mark.timeout(900)
def test_seed_applies_under_throttling_with_no_error_reaching_the_user(tmp_path: Path) -> None:
    with running("gcp", faults="throttle=0.3,seed=7") as ready:
        project = tmp_path / "project"
        project.mkdir()
        shutil.copy(SEEDS / "genesys.toml", project / "genesys.toml")
        with (project / "genesys.toml").open("a") as config:
            config.write(toml_block(ready["settings"]))
        env = genesys_env(GENESYS_STATE_PASSPHRASE=PASSPHRASE)
        for leaky in LEAKY:
            env.pop(leaky, None)
        cli = GcpCli(project, env)
        applied = cli("apply", "--auto-approve", timeout=600)
        out = _ok(applied)
        assert "Apply complete! Resources: 14 added, 0 changed, 0 destroyed." in out
        assert "rateLimitExceeded" not in out + applied.stderr
        google = Google(ready)
        request = {"project": google.project, "filter": 'labels.team = "platform"'}
        scoped = google.compute("InstancesClient").aggregated_list(request=request)
        assert len([i for _, s in scoped for i in s.instances]) == 3
        _ok(cli("destroy", "--auto-approve", timeout=600))
