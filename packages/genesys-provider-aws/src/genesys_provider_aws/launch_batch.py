"""Identical instance launches merged into one RunInstances (MinCount = MaxCount = k).

A `count` block arrives as k concurrent CreateInstance calls whose RunInstances arguments
differ only in the Name and genesys:token tags and the client token. The first launch of a
spec waits `linger` seconds for others of the same spec, looks all their tokens up at once
(one DescribeInstances: a retried create must find what an earlier attempt made), then ONE
RunInstances launches the rest (up to MAX_BATCH a call, the calls at once): one
"resource-intensive" call against EC2's rate limit (burst 50, refill 5/s) instead of k. Each
caller gets its own instance (the k-th by AmiLaunchIndex) and writes its Name and token tags
with one CreateTags (EC2 applies one tag set per call, and every Name differs). A spec
launched alone is launched exactly as before: its tags in the launch.

Crash safety. The batch's client token is derived from its members' tokens, so botocore's
retry of the call is idempotent. The launch tags every instance with `genesys:batch`, the
manifest: the 8-hex-digit digest of each member's token, in launch-index order (32 members
fill the 256 characters of one tag value). An instance whose own token tag was never written
(a crash, or a failed CreateTags) is found by its member's token through the manifest
(`find_in_batches`: one DescribeInstances with wildcard tag filters, checked against the
launch index); crash recovery and a resumed create use it, and this process remembers what it
launched for in-run retries (`launched`), or which tokens a launch without an answer may have
made (`uncertain`), so no retry launches a second instance for a token.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from genesys_plugin_sdk.tags import TOKEN_TAG, client_token

BATCH_TAG = "genesys:batch"
DIGEST_CHARS = 8
MAX_BATCH = 256 // DIGEST_CHARS  # the manifest fits one tag value
LINGER = 0.05  # seconds the first launch of a spec waits for identical ones


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:DIGEST_CHARS]


def manifest_of(tokens: Iterable[str]) -> str:
    return "".join(token_digest(token) for token in tokens)


def digests_in(manifest: str) -> list[str]:
    return [manifest[i : i + DIGEST_CHARS] for i in range(0, len(manifest), DIGEST_CHARS)]


def spec_key(common: Mapping[str, Any]) -> str:
    """What makes launches identical: every RunInstances argument but the per-member ones."""
    return json.dumps(common, sort_keys=True, default=str)


@dataclass
class _Member:
    name_tags: list[dict[str, str]]  # Name and genesys:token, written after a batch launch
    token: str
    result: Future[str] = field(default_factory=Future)


class LaunchBatcher:
    """Merges concurrent launches of one spec (see the module docstring). Thread-safe."""

    def __init__(
        self,
        run_instances: Callable[..., Mapping[str, Any]],
        create_tags: Callable[..., Any],
        *,
        find_by_tokens: Callable[[list[str]], Mapping[str, str]] | None = None,
        linger: float = LINGER,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._run = run_instances
        self._tag = create_tags
        self._find = find_by_tokens  # instances carrying these tokens' tags: one lookup
        self.linger = linger
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queues: dict[str, list[_Member]] = {}
        self.launched: dict[str, str] = {}  # token -> instance id, made by this process
        self.uncertain: set[str] = set()  # tokens a launch without an answer may have made
        self.untagged: set[str] = set()  # batch-launched tokens whose own tags are not written
        self.launches = 0  # RunInstances calls (tests and benches)

    def launch(self, common: dict[str, Any], per_member: list[dict[str, str]], token: str) -> str:
        """The id of a new instance of `common` (RunInstances arguments with the tags all
        members share) tagged with `per_member` (Name, genesys:token)."""
        member = _Member(per_member, token)
        key = spec_key(common)
        with self._lock:
            queue = self._queues.setdefault(key, [])
            queue.append(member)
            lead = len(queue) == 1
        if lead:
            time.sleep(self.linger)
            with self._lock:
                members = self._queues.pop(key)
            self._launch_all(common, self._settle_made_before(members))
        instance_id = member.result.result()
        if token in self.untagged:
            self.tag(instance_id, token, per_member)
        return instance_id

    def _settle_made_before(self, members: list[_Member]) -> list[_Member]:
        """Members an earlier attempt already launched get that instance (their token tags,
        looked up in one call for the whole batch); returns the others."""
        if self._find is None:
            return members
        try:
            found = self._find([m.token for m in members])
        except BaseException as err:
            for member in members:
                member.result.set_exception(err)
            return []
        for member in members:
            if member.token in found:
                member.result.set_result(found[member.token])
        return [m for m in members if m.token not in found]

    def _launch_all(self, common: dict[str, Any], members: list[_Member]) -> None:
        chunks = [
            members[start : start + self.max_batch]
            for start in range(0, len(members), self.max_batch)
        ]
        for chunk in chunks[1:]:  # at once, not one after the other
            threading.Thread(
                target=self._launch, args=(common, chunk), name="aws-launch", daemon=True
            ).start()
        if chunks:
            self._launch(common, chunks[0])

    def tag(self, instance_id: str, token: str, per_member: list[dict[str, str]]) -> None:
        """Writes a batch-launched instance's own tags (CreateTags is idempotent)."""
        self._tag(Resources=[instance_id], Tags=per_member)
        self.untagged.discard(token)

    def _launch(self, common: dict[str, Any], members: list[_Member]) -> None:
        try:
            ids = self._run_batch(common, members)
        except BaseException as err:
            for member in members:
                member.result.set_exception(err)
            return
        for member, instance_id in zip(members, ids, strict=True):
            member.result.set_result(instance_id)

    def _run_batch(self, common: dict[str, Any], members: list[_Member]) -> list[str]:
        from botocore.exceptions import ClientError

        args = dict(common, MinCount=len(members), MaxCount=len(members))
        if len(members) == 1:
            only = members[0]
            args["TagSpecifications"] = _with_tags(common, only.name_tags)
            if only.token:
                args["ClientToken"] = client_token(only.token)
        else:
            manifest = manifest_of(m.token for m in members)
            batch_tag = [{"Key": BATCH_TAG, "Value": manifest}]
            args["TagSpecifications"] = _with_tags(common, batch_tag, instance_only=True)
            args["ClientToken"] = hashlib.sha256(manifest.encode()).hexdigest()[:64]
        self.launches += 1
        try:
            made = self._run(**args)
        except ClientError:
            raise  # EC2 answered: nothing was launched
        except BaseException:
            self.uncertain.update(m.token for m in members if m.token)
            raise
        instances = sorted(made["Instances"], key=lambda raw: raw.get("AmiLaunchIndex", 0))
        ids = [str(raw["InstanceId"]) for raw in instances]
        with self._lock:
            for member, instance_id in zip(members, ids, strict=True):
                self.launched[member.token] = instance_id
                if len(members) > 1:
                    self.untagged.add(member.token)
        return ids


def _with_tags(
    common: Mapping[str, Any], extra: list[dict[str, str]], *, instance_only: bool = False
) -> list[dict[str, Any]]:
    """The common TagSpecifications with `extra` added to the instance's (and, unless
    `instance_only`, the root volume's) tags."""
    specs = {
        spec["ResourceType"]: list(spec["Tags"]) for spec in common.get("TagSpecifications", [])
    }
    for resource_type in ("instance",) if instance_only else ("instance", "volume"):
        specs[resource_type] = [*specs.get(resource_type, []), *extra]
    return [{"ResourceType": kind, "Tags": tags} for kind, tags in specs.items() if tags]


def find_in_batches(
    describe: Callable[[list[dict[str, Any]]], Iterator[Mapping[str, Any]]], tokens: list[str]
) -> dict[str, str]:
    """Instances a batch launched for these tokens whose own token tag was never written
    (or is this token): found by the manifest, one DescribeInstances per 200 tokens."""
    by_digest = {token_digest(token): token for token in tokens}
    found: dict[str, str] = {}
    digests = sorted(by_digest)
    for start in range(0, len(digests), 200):
        patterns = [f"*{digest}*" for digest in digests[start : start + 200]]
        for raw in describe([{"Name": f"tag:{BATCH_TAG}", "Values": patterns}]):
            tags = {t["Key"]: t.get("Value", "") for t in raw.get("Tags", [])}
            slots = digests_in(tags.get(BATCH_TAG, ""))
            index = int(raw.get("AmiLaunchIndex", 0))
            token = by_digest.get(slots[index]) if index < len(slots) else None
            if token and tags.get(TOKEN_TAG, token) == token:
                found.setdefault(token, str(raw["InstanceId"]))
    return found
