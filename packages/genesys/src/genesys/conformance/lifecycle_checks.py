"""Health and the three ways a plugin is stopped: Shutdown, stdin EOF and SIGTERM.

The core stops its plugins with Shutdown (then waits 5 s), SIGTERM (then waits 2 s) and,
when the core itself dies, by the kernel closing the plugin's stdin. Each way is checked on a
plugin the kit starts for that purpose alone; whichever way it stopped, a plugin on a Unix
socket must have removed its private socket directory.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from genesys.conformance.handshake_checks import clean_env
from genesys.conformance.session import CheckFailed, Session, expect
from genesys.conformance.tls_checks import handshake_line, remove_socket_dir
from genesys.plugins.tls import core_certificate, open_channel, open_debug_channel
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import protocol
from grpc_health.v1 import health_pb2, health_pb2_grpc

SHUTDOWN_GRACE_S = 5.0  # what the core allows after Shutdown before it sends SIGTERM
SIGTERM_GRACE_S = 2.0  # what the core allows after SIGTERM before it sends SIGKILL
EOF_GRACE_S = 5.0
SOCKET_CHECK = "lifecycle: socket directory removed on exit"


def health_check(s: Session) -> None:
    s.check("health: grpc.health.v1.Health reports SERVING", lambda: _check_serving(s))


def _check_serving(s: Session) -> None:
    stub = health_pb2_grpc.HealthStub(s.conn.channel)
    answer = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5.0)
    serving = health_pb2.HealthCheckResponse.SERVING
    name = health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)
    expect(answer.status == serving, f"status {name}, expected SERVING")


def lifecycle_checks(s: Session, command: list[str]) -> None:
    left: list[str] = []  # socket directories a stopped plugin left behind
    stops: list[tuple[str, Callable[[subprocess.Popen, protocol.HandshakeLine], None]]] = [
        ("lifecycle: Shutdown answers and the process exits", _stop_by_shutdown),
        ("lifecycle: exits when stdin reaches EOF (the core died)", _stop_by_eof),
        ("lifecycle: exits on SIGTERM", _stop_by_sigterm),
    ]
    for name, stop in stops:
        s.check(name, lambda stop=stop: _stopped(s, command, stop, left))
    s.check(SOCKET_CHECK, lambda: expect(not left, "left behind: " + "; ".join(left)))


def _stopped(
    s: Session,
    command: list[str],
    stop: Callable[[subprocess.Popen, protocol.HandshakeLine], None],
    left: list[str],
) -> None:
    with _started(s, command) as (process, line):
        stop(process, line)
        if line.network == "unix" and Path(line.address).parent.exists():
            left.append(f"{Path(line.address).parent} (after {stop.__name__[9:]})")


def _stop_by_shutdown(process: subprocess.Popen, line: protocol.HandshakeLine) -> None:
    # A plugin without TLS fails the TLS checks; here it is only asked to stop.
    channel = (
        open_channel(line.grpc_target, line.server_cert_der, core_certificate())
        if line.server_cert_der
        else open_debug_channel(line.grpc_target)
    )
    with channel:
        stub = provider_pb2_grpc.ProviderStub(channel)
        stub.Shutdown(provider_pb2.ShutdownRequest(), timeout=SHUTDOWN_GRACE_S)
    _expect_exit(process, SHUTDOWN_GRACE_S, "after Shutdown")


def _stop_by_eof(process: subprocess.Popen, line: protocol.HandshakeLine) -> None:
    assert process.stdin is not None
    process.stdin.close()
    _expect_exit(process, EOF_GRACE_S, "after its stdin closed")


def _stop_by_sigterm(process: subprocess.Popen, line: protocol.HandshakeLine) -> None:
    process.send_signal(signal.SIGTERM)
    _expect_exit(process, SIGTERM_GRACE_S, "after SIGTERM")


def _expect_exit(process: subprocess.Popen, grace_s: float, after: str) -> None:
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        raise CheckFailed(
            f"still running {grace_s:g} s {after} (the core would kill it now)"
        ) from None


@contextlib.contextmanager
def _started(
    s: Session, command: list[str]
) -> Iterator[tuple[subprocess.Popen, protocol.HandshakeLine]]:
    """A plugin started the way the core starts it; killed afterwards if it is still up."""
    env = clean_env(
        {
            protocol.MAGIC_COOKIE_KEY: protocol.MAGIC_COOKIE_VALUE,
            protocol.PROTOCOL_VERSIONS_ENV: "1",
            protocol.CLIENT_CERT_ENV: core_certificate().cert_pem.decode(),
        },
        s.provider,
    )
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=s.workdir or None,
        start_new_session=True,  # a signal for it reaches only it
    )
    line = None
    try:
        line = handshake_line(process, s.options.start_timeout_s)
        yield process, line
    finally:
        _end(process, line)


def _end(process: subprocess.Popen, line: protocol.HandshakeLine | None) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    if line is not None:
        remove_socket_dir(line)
