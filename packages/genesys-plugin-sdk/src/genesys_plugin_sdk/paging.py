"""Walking a cloud's paged list calls, whatever the cloud calls its page token.

def page(token):                       # token is None for the first page
    answer = client.list_instances(page_token=token or "", max_results=500)
    return answer.items, answer.next_page_token   # "" / None: no more pages

for item in paginate(page): ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

# A guard against APIs that hand back the same token forever.
MAX_PAGES = 100_000


def paginate(page: Callable[[Any], tuple[Iterable[T], Any]]) -> Iterator[T]:
    """Every item of every page; `page(token)` returns (items, next token or a falsy value)."""
    token: Any = None
    seen: set[Any] = set()
    for _ in range(MAX_PAGES):
        items, token = page(token)
        yield from items
        if not token or token in seen:
            return
        seen.add(token)
