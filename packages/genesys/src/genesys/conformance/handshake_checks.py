"""Handshake refusals, checked by starting the plugin's executable directly.

The host (`genesys.plugins`) only ever starts plugins the right way, so the wrong ways are
exercised here with the raw environment contract from `genesys_plugin_sdk.protocol`: a
plugin must refuse cleanly (exit non-zero, say why, never announce itself, never hang).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass

from genesys.conformance.session import CheckFailed, Session, expect
from genesys_plugin_sdk import protocol

UNSUPPORTED_VERSION = "99"


@dataclass(frozen=True)
class Exited:
    code: int
    stdout: str
    stderr: str


def handshake_checks(s: Session, command: list[str]) -> None:
    s.check(
        "handshake: unsupported protocol version refused",
        lambda: _check_unsupported_version(s, command),
    )
    s.check("handshake: missing magic cookie refused", lambda: _check_missing_cookie(s, command))
    s.check(
        "handshake: missing client certificate refused (no plaintext fallback)",
        lambda: _check_missing_client_cert(s, command),
    )


def _check_unsupported_version(s: Session, command: list[str]) -> None:
    env = {
        protocol.MAGIC_COOKIE_KEY: protocol.MAGIC_COOKIE_VALUE,
        protocol.PROTOCOL_VERSIONS_ENV: UNSUPPORTED_VERSION,
        protocol.INSECURE_ENV: "1",  # so the version is the only thing wrong
    }
    exited = run_refused(command, env, s.options.handshake_timeout_s, s.workdir, s.provider)
    error_line = f"{protocol.ERROR_LINE_PREFIX}|{protocol.ERROR_UNSUPPORTED_VERSIONS}|"
    expect(
        error_line in exited.stdout,
        f"exited {exited.code} without the `{error_line}<versions>` line on stdout",
    )


def _check_missing_cookie(s: Session, command: list[str]) -> None:
    env = {protocol.PROTOCOL_VERSIONS_ENV: "1", protocol.INSECURE_ENV: "1"}
    exited = run_refused(command, env, s.options.handshake_timeout_s, s.workdir, s.provider)
    expect(bool(exited.stderr.strip()), f"exited {exited.code} without a message on stderr")


def _check_missing_client_cert(s: Session, command: list[str]) -> None:
    env = {
        protocol.MAGIC_COOKIE_KEY: protocol.MAGIC_COOKIE_VALUE,
        protocol.PROTOCOL_VERSIONS_ENV: "1",
    }
    exited = run_refused(command, env, s.options.handshake_timeout_s, s.workdir, s.provider)
    expect(bool(exited.stderr.strip()), f"exited {exited.code} without a message on stderr")


def run_refused(
    command: list[str],
    extra_env: dict[str, str],
    timeout_s: float,
    cwd: str = "",
    provider: str | None = None,
) -> Exited:
    """Starts the plugin with a handshake environment it must refuse; checks that it did."""
    exited = _run(command, clean_env(extra_env, provider), timeout_s, cwd or None)
    if protocol.HandshakeLine.find(exited.stdout) is not None:
        raise CheckFailed("the plugin announced itself instead of refusing")
    expect(exited.code != 0, "the plugin exited 0; a refusal must exit non-zero")
    return exited


def _run(command: list[str], env: dict[str, str], timeout_s: float, cwd: str | None) -> Exited:
    # stdin stays an open pipe: plugins take EOF on stdin as "the core died" and would exit
    # for that reason instead of the one under test.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=out, stderr=err, env=env, cwd=cwd
        )
        try:
            code = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise CheckFailed(
                f"still running after {timeout_s:.0f} s; it must refuse and exit"
            ) from None
        finally:
            if process.stdin is not None:
                process.stdin.close()
        out.seek(0)
        err.seek(0)
        return Exited(code, _text(out.read()), _text(err.read()))


def clean_env(extra: dict[str, str], provider: str | None = None) -> dict[str, str]:
    """The environment the core would give `provider`'s plugin (scrubbed: see
    genesys.plugins.process), without any handshake variable, plus `extra`. Without a
    provider: our whole environment less the handshake variables."""
    from genesys.plugins.process import scrubbed_environment

    base = dict(os.environ) if provider is None else scrubbed_environment(provider, os.environ)
    env = {
        key: value
        for key, value in base.items()
        if not key.startswith("GENESYS_PLUGIN_") and key != protocol.REATTACH_ENV
    }
    env.update(extra)
    return env


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
