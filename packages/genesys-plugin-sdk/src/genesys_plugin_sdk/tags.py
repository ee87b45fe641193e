"""Tags, labels, the idempotency token and List filters: the same on every cloud.

Every resource a plugin creates carries the core's idempotency token (tag `TOKEN_TAG`, or
label `TOKEN_LABEL` where keys cannot hold ':'), so a retried create finds what the first
attempt made and ReadResources can find a resource by token alone (crash recovery). Clouds
limit tag values: `client_token` / `label_token` shorten a token deterministically.

List/Discover filters (`ListRequest.filters`) are the kind's own words plus `tag:<key>`; a
value may list alternatives separated by commas; unknown keys are INVALID_ARGUMENT.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from genesys_plugin_sdk import errors

TOKEN_TAG = "genesys:token"
TOKEN_LABEL = "genesys-token"  # for clouds whose label keys allow only [a-z0-9_-]
MANAGED_PREFIX = "genesys:"
TAG_FILTER_PREFIX = "tag:"
_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")


def client_token(token: str, max_length: int = 64) -> str:
    """The token itself when it fits (ASCII, at most max_length), else a stable hash of it."""
    if token and len(token) <= max_length and token.isascii():
        return token
    return hashlib.sha256(token.encode()).hexdigest()[:max_length]


def label_token(token: str) -> str:
    """A token as a label value ([a-z0-9_-], at most 63): itself when allowed, else a hash."""
    if _LABEL_VALUE.match(token):
        return token
    return hashlib.sha256(token.encode()).hexdigest()[:63]


def user_tags(
    all_tags: Mapping[str, str],
    *,
    system_prefixes: tuple[str, ...] = (MANAGED_PREFIX, "genesys-"),
    drop: Iterable[str] = (),
) -> dict[str, str]:
    """The user's tags: the plugin's own (and the cloud's system ones, by prefix) removed."""
    dropped = set(drop)
    return {
        k: v for k, v in all_tags.items() if not k.startswith(system_prefixes) and k not in dropped
    }


def tag_changes(
    current: Mapping[str, str], desired: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """(tags to set, keys to remove) turning the current tags into the desired ones."""
    to_set = {k: v for k, v in desired.items() if current.get(k) != v}
    to_remove = [k for k in current if k not in desired]
    return to_set, to_remove


def unknown_filter(key: str, known: Iterable[str]) -> errors.InvalidArgument:
    words = ", ".join(sorted(known)) + f", {TAG_FILTER_PREFIX}<key>"
    return errors.InvalidArgument(
        f"unknown filter {key!r}; known: {words}", attribute_path=f"filters.{key}"
    )


def split_filters(
    filters: Mapping[str, str], known: Iterable[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(the kind's own filters, tag filters by tag key), each value split into alternatives.

    InvalidArgument (attribute path filters.<key>) for a key that is neither.
    """
    allowed = set(known)
    own: dict[str, list[str]] = {}
    tags: dict[str, list[str]] = {}
    for key, value in filters.items():
        if key.startswith(TAG_FILTER_PREFIX):
            tags[key[len(TAG_FILTER_PREFIX) :]] = value.split(",")
        elif key in allowed:
            own[key] = value.split(",")
        else:
            raise unknown_filter(key, allowed)
    return own, tags


def match_tag_filters(
    filters: Mapping[str, str], tags: Mapping[str, str], known: Iterable[str]
) -> bool:
    """Client-side tag filtering for clouds that cannot filter by tag; checks keys too."""
    _, wanted = split_filters(filters, known)
    return all(tags.get(key) in values for key, values in wanted.items())
