"""Loading a large config creates hundreds of thousands of small objects and no reference
cycles worth collecting; left on, the cyclic garbage collector runs over and over while
they are made (its full passes go over every object alive), which on 20,000 resources
doubles the time and makes it grow faster than the file. So loading and expanding run
with the collector paused; whatever cycles they leave are collected once it resumes."""

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
            gc.enable()
