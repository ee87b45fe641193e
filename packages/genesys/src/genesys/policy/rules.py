"""The guardrail rules: what each checks on one planned resource, and how to fix it.

A rule looks only at a change's `after` attributes (the desired values with the field names
of the kind's protocol *Config message: `public_access`, `encryption`, `encrypted`, `tags`),
so it judges every provider's plan alike. `max_cost_per_month` looks at the whole plan and is
evaluated in `genesys.policy.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from genesys.engine.plan import UNKNOWN, ResourceChange
from genesys.kinds import KINDS

NO_PUBLIC_BUCKETS = "no_public_buckets"
REQUIRE_ENCRYPTION = "require_encryption"
REQUIRE_TAGS = "require_tags"
MAX_COST_PER_MONTH = "max_cost_per_month"
RULE_NAMES = (NO_PUBLIC_BUCKETS, REQUIRE_ENCRYPTION, REQUIRE_TAGS, MAX_COST_PER_MONTH)


@dataclass(frozen=True)
class Problem:
    """Why one resource breaks a rule, and the config change that fixes it."""

    message: str
    fix: str


# A check gets the change and the policy's value (True, a tag list, a limit) and returns a
# Problem, or None when the resource complies.
Check = Callable[[ResourceChange, Any], "Problem | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    title: str  # one line, for listings and SARIF shortDescription
    description: str  # what it guards against, for SARIF fullDescription / docs
    kinds: frozenset[str]  # resource kinds it looks at; empty for plan-level rules
    check: Check | None = None


def _is_true(value: Any) -> bool:
    return value is True


def _origin(change: ResourceChange) -> str:
    """Why the resource exists when no resource block wrote it ("outcome static-site",
    "implicit"); the fix is then written somewhere else."""
    return getattr(change.desired, "origin", "") or ""


def _check_public_bucket(change: ResourceChange, _: Any) -> Problem | None:
    if not _is_true(change.after.get("public_access")):
        return None
    if _origin(change).startswith("outcome"):
        fix = "set `enable_cdn: true` on the outcome (the bucket stays private behind the CDN)"
    else:
        fix = ("set `public_access: false` (serve public content through a CDN in front of "
               "a private bucket)")
    return Problem("bucket allows public access", fix)


# kind -> the attribute that says "encrypted at rest"
_ENCRYPTION_ATTRIBUTE = {"bucket": "encryption", "volume": "encrypted"}


def _check_encryption(change: ResourceChange, _: Any) -> Problem | None:
    attribute = _ENCRYPTION_ATTRIBUTE[change.kind]
    value = change.after.get(attribute)
    if value is UNKNOWN or _is_true(value):
        return None
    return Problem(f"{change.kind} is not encrypted at rest", f"set `{attribute}: true`")


def _check_tags(change: ResourceChange, required: Sequence[str]) -> Problem | None:
    tags = change.after.get("tags") or {}
    if tags is UNKNOWN:
        return None
    missing = [t for t in required if t not in tags or tags[t] in ("", None)]
    if not missing:
        return None
    shown = ", ".join(missing)
    example = ", ".join(f"{t}: <value>" for t in missing)
    fix = f"add `tags: {{{example}}}`"
    origin = _origin(change)
    if origin == "implicit":
        fix = f"declare this security group in its network's `security_groups:` and {fix}"
    elif origin.startswith("outcome"):
        fix = f"{fix} to the outcome block ({origin.removeprefix('outcome ')})"
    return Problem(f"missing required tags: {shown}", fix)


def _taggable_kinds() -> frozenset[str]:
    return frozenset(name for name, kind in KINDS.items() if "tags" in kind.config_fields)


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            NO_PUBLIC_BUCKETS,
            "Buckets must not allow public access",
            "A bucket readable by anyone leaks whatever lands in it. Serve public content "
            "through a CDN in front of a private bucket, or waive the rule for that bucket "
            "with a recorded reason.",
            frozenset({"bucket"}),
            _check_public_bucket,
        ),
        Rule(
            REQUIRE_ENCRYPTION,
            "Storage must be encrypted at rest",
            "Buckets need `encryption: true` and volumes `encrypted: true`, so data at rest "
            "is encrypted with provider-managed keys.",
            frozenset(_ENCRYPTION_ATTRIBUTE),
            _check_encryption,
        ),
        Rule(
            REQUIRE_TAGS,
            "Resources must carry the required tags",
            "Every taggable resource must carry each tag listed in `require_tags`, with a "
            "non-empty value, so cost and ownership can be traced.",
            _taggable_kinds(),
            _check_tags,
        ),
        Rule(
            MAX_COST_PER_MONTH,
            "The estimated monthly cost must stay under the limit",
            "The sum of the monthly cost estimates of every resource the plan leaves in place "
            "(from the provider's shipped price table) must not exceed `max_cost_per_month`.",
            frozenset(),
        ),
    )
}
