"""Per-call overhead of the plugin runtime: SDK server + core host vs bare grpcio.

    uv run python tools/bench/plugin_roundtrip.py [-n 5000]

Both sides make N unary GetMetadata calls over a Unix socket to a server in another process:
  sdk        launch_plugin(plugin_echo.py): mTLS, error boundary, typed stub, health service
  bare-mtls  a bare grpcio server and generated stub, same socket type and the same mTLS
  bare-plain the same without TLS (shows what mTLS itself costs)
Calls run in interleaved rounds so machine noise hits all three alike. Target: sdk / bare-mtls
<= 1.2.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent import futures
from pathlib import Path

import grpc
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc

TARGET_RATIO = 1.2
ROUNDS = 5
HERE = Path(__file__).parent


def _bare_server(socket_path: str) -> None:
    """Runs in the child: a bare grpcio server, TLS iff the parent passed certs."""
    sys.path.insert(0, str(HERE))
    from plugin_echo import EchoProvider

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
    provider_pb2_grpc.add_ProviderServicer_to_server(EchoProvider(), server)
    key, cert, client = (os.environ.get(f"BENCH_{n}", "").encode() for n in ("KEY", "CERT", "CA"))
    if key:
        creds = grpc.ssl_server_credentials([(key, cert)], client, require_client_auth=True)
        server.add_secure_port(f"unix:{socket_path}", creds)
    else:
        server.add_insecure_port(f"unix:{socket_path}")
    server.start()
    sys.stdin.read()  # until the parent closes our stdin


def _start_bare(socket_path: str, tls: bool) -> tuple[subprocess.Popen, grpc.Channel]:
    from genesys.plugins.tls import core_certificate, open_channel, open_debug_channel
    from genesys_plugin_sdk.tls import generate_self_signed

    env = dict(os.environ)
    server_cert = generate_self_signed("bench") if tls else None
    if server_cert is not None:
        env.update(
            BENCH_KEY=server_cert.key_pem.decode(),
            BENCH_CERT=server_cert.cert_pem.decode(),
            BENCH_CA=core_certificate().cert_pem.decode(),
        )
    child = subprocess.Popen(
        [sys.executable, __file__, "--bare-server", socket_path], stdin=subprocess.PIPE, env=env
    )
    target = f"unix:{socket_path}"
    channel = (
        open_channel(target, server_cert.cert_der, core_certificate())
        if server_cert is not None
        else open_debug_channel(target)  # the plaintext baseline the TLS cost is measured on
    )
    grpc.channel_ready_future(channel).result(timeout=15)
    return child, channel


def _per_call_us(call: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    from genesys.plugins import launch_plugin

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="calls per side (default 5000)")
    args = parser.parse_args()
    request = provider_pb2.GetMetadataRequest()
    workdir = tempfile.mkdtemp(prefix="genesys-bench-")
    conn = launch_plugin(str(HERE / "plugin_echo.py"))
    children = []
    try:
        calls: dict[str, Callable[[], object]] = {
            "sdk": functools.partial(conn.provider.GetMetadata, request)
        }
        for name, tls in (("bare-mtls", True), ("bare-plain", False)):
            child, channel = _start_bare(os.path.join(workdir, f"{name}.sock"), tls)
            children.append((child, channel))
            stub = provider_pb2_grpc.ProviderStub(channel)
            calls[name] = functools.partial(stub.GetMetadata, request)
        results = _measure(calls, args.n)
    finally:
        conn.close()
        for child, channel in children:
            channel.close()
            if child.stdin is not None:
                child.stdin.close()
            child.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    _report(results, args.n)


def _measure(calls: dict[str, Callable[[], object]], count: int) -> dict[str, float]:
    for call in calls.values():
        _per_call_us(call, 300)  # warm up connections and code paths
    per_round = max(1, count // ROUNDS)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(ROUNDS):
        for name, call in calls.items():
            samples[name].append(_per_call_us(call, per_round))
    return {name: statistics.median(values) for name, values in samples.items()}


def _report(results: dict[str, float], count: int) -> None:
    print(f"GetMetadata round trip, {count} calls per side, Unix socket, median of {ROUNDS} rounds")
    for name, micros in results.items():
        print(f"  {name:<11} {micros:8.1f} us/call")
    ratio = results["sdk"] / results["bare-mtls"]
    print(
        f"  sdk / bare-mtls  = {ratio:.2f}x   (target <= {TARGET_RATIO}x: "
        f"{'OK' if ratio <= TARGET_RATIO else 'OVER TARGET'})"
    )
    print(f"  sdk / bare-plain = {results['sdk'] / results['bare-plain']:.2f}x")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bare-server":
        _bare_server(sys.argv[2])
    else:
        main()
