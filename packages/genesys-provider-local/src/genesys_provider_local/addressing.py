"""CIDR arithmetic for networks and subnets: parsing, sortable range keys, host allocation.

Range keys are "<ip version>:<32 hex digits>" strings, so sqlite compares IPv4 and IPv6
addresses correctly as text and the two families never overlap each other.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_INT32_MAX = 2**31 - 1


def parse_cidr(text: str) -> IPNetwork:
    """The network a CIDR names; ValueError with a readable message otherwise."""
    if not text:
        raise ValueError("a CIDR block is required, e.g. 10.0.0.0/16")
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(f"{text!r} is not a CIDR block ({exc})") from None
        raise ValueError(f"{text!r} has host bits set; did you mean {loose}?") from None
    if network.num_addresses < 4:
        raise ValueError(f"{text} is too small: a block needs at least 4 addresses (/30)")
    return network


def key_of(address: IPAddress) -> str:
    return f"{address.version}:{int(address):032x}"


def range_keys(network: IPNetwork) -> tuple[str, str]:
    return key_of(network.network_address), key_of(network.broadcast_address)


def gateway_of(network: IPNetwork) -> IPAddress:
    """The first host address, reserved for the (notional) router, as clouds do."""
    return network.network_address + 1


def capacity(network: IPNetwork) -> int:
    """Assignable addresses: all but network, broadcast and gateway (clamped to int32)."""
    return min(network.num_addresses - 3, _INT32_MAX)


def _hosts_from(network: IPNetwork, start: int) -> Iterator[IPAddress]:
    make = type(network.network_address)  # keeps IPv6 values below 2**32 IPv6
    for value in range(start, int(network.broadcast_address)):
        yield make(value)


def candidates(network: IPNetwork, highest_key: str | None) -> Iterator[IPAddress]:
    """Free-address candidates: after the highest one handed out, then from the start.

    Starting after the highest keeps allocation O(1) while addresses are handed out in order;
    the wrap-around pass fills holes left by deleted instances.
    """
    first = int(network.network_address) + 2  # after the gateway
    if highest_key is not None:
        after = int(highest_key.split(":")[1], 16) + 1
        if int(network.network_address) < after < int(network.broadcast_address):
            yield from _hosts_from(network, after)
    yield from _hosts_from(network, first)
