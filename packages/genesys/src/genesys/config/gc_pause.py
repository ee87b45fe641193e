"""Loading a large config creates hundreds of thousands of small objects and no reference
cycles worth collecting; left on, the cyclic garbage collector runs over and over while
they are made (its full passes go over every object alive), which on 20,000 resources
doubles the time and makes it grow faster than the file. So loading, expanding, loading
the state and planning run with the collector paused.

Resuming freezes what the block left alive (gc.freeze: moved out of the generations the
collector scans): merely re-enabling it would make the next young collection scan every
object the block made, then the middle one again, then a full pass — about a second per
phase at 100,000 resources. Frozen objects are still freed by reference counting as usual;
only a reference cycle among them would stay until the process ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pauses the cyclic collector (if it runs) for the block; nests."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
