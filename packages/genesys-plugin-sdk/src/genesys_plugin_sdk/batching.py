"""Paging for ReadResources: the RPC streams pages of results, not one message per ref.

Each streamed message costs tens of microseconds in gRPC's Python runtime, which dominates
a refresh of thousands of resources; a page of a few hundred results costs about the same
as one result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from genesys.provider.v1 import provider_pb2

DEFAULT_PAGE_SIZE = 500


def read_pages(
    results: Iterable[provider_pb2.ReadResult], page_size: int = DEFAULT_PAGE_SIZE
) -> Iterator[provider_pb2.ReadResourcesResponse]:
    """Group ReadResults into ReadResourcesResponse pages (a servicer yields these)."""
    page: list[provider_pb2.ReadResult] = []
    for result in results:
        page.append(result)
        if len(page) >= page_size:
            yield provider_pb2.ReadResourcesResponse(results=page)
            page = []
    if page:
        yield provider_pb2.ReadResourcesResponse(results=page)


def read_results(
    pages: Iterable[provider_pb2.ReadResourcesResponse],
) -> Iterator[provider_pb2.ReadResult]:
    """Flatten a ReadResources stream back into results (the caller's side)."""
    for page in pages:
        yield from page.results
