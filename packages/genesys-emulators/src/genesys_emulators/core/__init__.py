"""The layer every cloud emulator shares.

    errors      CloudError: a refusal with the cloud's own status and code
    faults      FaultPlan: seeded latency, throttling and 5xx injection (--faults)
    app         ServiceApp: one HTTP service (WSGI) with faults and the cloud's error format
    server      ServiceServer, Emulator: bind services on 127.0.0.1, run, stop
    store       Store: thread-safe in-memory collections
    operations  Operations: long-running operations that finish after a few polls
    functions   run_handler: a function's handler run from its uploaded code in a child process
    children    ChildProcess: a real emulator (fake-gcs-server, Azurite) run as a child
"""

from genesys_emulators.core.app import Dialect, ServiceApp
from genesys_emulators.core.errors import CloudError
from genesys_emulators.core.faults import FaultPlan
from genesys_emulators.core.operations import Operation, Operations
from genesys_emulators.core.server import Emulator, ServiceServer
from genesys_emulators.core.store import Store

__all__ = [
    "CloudError",
    "Dialect",
    "Emulator",
    "FaultPlan",
    "Operation",
    "Operations",
    "ServiceApp",
    "ServiceServer",
    "Store",
]
