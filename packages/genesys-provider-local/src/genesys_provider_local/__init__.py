"""Genesys local provider: real local resources under one root directory.

Kept import-free on purpose: the instance supervisor and the function gateway run
`python -m genesys_provider_local.<module>` and must start fast without gRPC.
"""

from __future__ import annotations

__version__ = "0.1.0"
