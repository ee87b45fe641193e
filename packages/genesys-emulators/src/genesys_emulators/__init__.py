"""Emulators of the cloud APIs that have no official one: GCP, Azure, Alibaba Cloud, Tencent Cloud.

    uv run genesys-emulator CLOUD [--port 0] [--faults latency_ms=50,throttle=0.3,error=0.05,seed=7]

Each speaks its cloud's real wire format to the cloud's real SDK (only the endpoint changes),
so the plugins and their tests exercise the same code paths as against the cloud. The shared
layer is `genesys_emulators.core`; each cloud is one package of one module per service.
A test and benchmark tool, never published.
"""

__version__ = "0.1.0"
