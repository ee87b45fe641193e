"""Tag (tag.tencentcloudapi.com, 2018-08-13): the one place tags of existing resources change.

Products take tags when a resource is created; afterwards Tencent changes them through the
Tag service with six-segment resource names, `qcs::<service>:<region>:uin/<uin>:<type>/<id>`.
`ModifyResourceTags` sets (ReplaceTags) and removes (DeleteTags) tags on the resource's own
record, so the product's Describe shows them at once.
"""

from __future__ import annotations

import re

from genesys_emulators.tencent.api import ActionService, Record, error

_RESOURCE = re.compile(r"^qcs::(?P<service>[a-z]+):(?P<region>[a-z0-9-]*):uin/\d+:(?P<rest>.+)$")
# (service, resource type) -> (store collection, tag field, key word, value word)
TARGETS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("cvm", "instance"): ("cvm.instances", "Tags", "Key", "Value"),
    ("cvm", "sg"): ("vpc.security_groups", "TagSet", "Key", "Value"),
    ("vpc", "vpc"): ("vpc.vpcs", "TagSet", "Key", "Value"),
    ("vpc", "subnet"): ("vpc.subnets", "TagSet", "Key", "Value"),
    ("postgres", "DBInstanceId"): ("postgres.instances", "TagList", "TagKey", "TagValue"),
    ("scf", "namespace"): ("scf.functions", "Tags", "Key", "Value"),
    ("cdn", "domain"): ("cdn.domains", "Tag", "TagKey", "TagValue"),
    ("ssl", "certificate"): ("ssl.certificates", "Tags", "TagKey", "TagValue"),
    ("cvm", "volume"): ("cbs.disks", "Tags", "Key", "Value"),
    ("clb", "clb"): ("clb.lbs", "Tags", "TagKey", "TagValue"),
    ("cdb", "instanceId"): ("cdb.instances", "TagList", "TagKey", "TagValue"),
    ("mongodb", "instance"): ("mongodb.instances", "Tags", "TagKey", "TagValue"),
}


class Tag(ActionService):
    service = "tag"
    version = "2018-08-13"
    regional = False

    def _target(self, resource: str) -> tuple[Record, str, str, str]:
        match = _RESOURCE.match(resource)
        if match is None:
            raise error(
                "InvalidParameterValue.ResourceDescriptionError",
                f"`{resource}` is not a six-segment resource description.",
            )
        service, region, rest = match["service"], match["region"], match["rest"]
        kind, _, ident = rest.partition("/")
        target = TARGETS.get((service, kind))
        if target is None:
            raise error(
                "InvalidParameterValue.ResourceDescriptionError",
                f"Resources of type {service}:{kind} are not taggable here.",
            )
        collection, field, key_word, value_word = target
        if service == "scf":  # namespace/<ns>/function/<name>
            namespace, _, name = ident.partition("/function/")
            ident = f"{region}/{namespace}/{name}"
        record = self.store.find(collection, ident)
        if record is None:
            raise error("ResourceNotFound", f"The resource `{resource}` does not exist.")
        return record, field, key_word, value_word

    def ModifyResourceTags(self, body: Record, region: str) -> Record:
        resource = body.get("Resource") or ""
        with self.store.lock:
            record, field, key_word, value_word = self._target(resource)
            tags = {t[key_word]: t.get(value_word, "") for t in record.get(field) or []}
            for tag in body.get("ReplaceTags") or []:
                key = tag.get("TagKey", "")
                if not key or key.startswith(("qcloud:", "tencent:", "project")):
                    raise error(
                        "InvalidParameterValue.ReservedTagKey",
                        f"The tag key `{key}` is reserved or empty.",
                    )
                tags[key] = tag.get("TagValue", "")
            for tag in body.get("DeleteTags") or []:
                tags.pop(tag.get("TagKey", ""), None)
            if len(tags) > 50:
                raise error(
                    "LimitExceeded.ResourceAttachedTags", "A resource takes 50 tags at most."
                )
            record[field] = [{key_word: k, value_word: v} for k, v in tags.items()]
        return {}
