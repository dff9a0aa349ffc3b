# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What check mode reports of a snapshot about to be created or copied, predicted from its origin and the request,
and the tag arithmetic the prediction and the plan share (pure)."""

from __future__ import annotations

import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .snapshot_request import SnapshotRequest
from .statuses import MANUAL


def shared_with_this_account(source: dict) -> bool:
    """Whether a snapshot belongs to another account: described with IncludeShared, AWS reports such a
    snapshot with SnapshotType shared (or public) and names it by its ARN."""
    return source.get("snapshot_type") in ("shared", "public") or str(
        source.get("db_cluster_snapshot_identifier", "")
    ).startswith("arn:")


def predicted_snapshot_facts(request: SnapshotRequest, cluster: dict, cluster_tags: dict | None = None) -> dict:
    """What the cluster and the request tell of a snapshot about to be created."""
    facts = {
        "db_cluster_snapshot_identifier": request.snapshot_id,
        "db_cluster_identifier": request.cluster_id,
        "snapshot_type": MANUAL,
        "tags": new_snapshot_tags(cluster_tags, bool(cluster.get("CopyTagsToSnapshot")), request),
    }
    copied_from_cluster = {
        "engine": "Engine",
        "engine_version": "EngineVersion",
        "port": "Port",
        "master_username": "MasterUsername",
        "storage_encrypted": "StorageEncrypted",
        "iam_database_authentication_enabled": "IAMDatabaseAuthenticationEnabled",
        "storage_type": "StorageType",
        "cluster_create_time": "ClusterCreateTime",
    }
    for fact, cluster_key in copied_from_cluster.items():
        if cluster.get(cluster_key) is not None:
            facts[fact] = cluster[cluster_key]
    if cluster.get("StorageEncrypted") and cluster.get("KmsKeyId"):
        facts["kms_key_id"] = cluster["KmsKeyId"]
    facts.update(_arn_for(request.snapshot_id, cluster.get("DBClusterArn") or "", ":cluster:"))
    return facts


def predicted_copy_facts(request: SnapshotRequest, source: dict, source_tags: dict | None) -> dict:
    """What the source and the request tell of a copy about to be made."""
    kept_from_source = (
        "db_cluster_identifier",
        "engine",
        "engine_version",
        "port",
        "master_username",
        "storage_encrypted",
        "iam_database_authentication_enabled",
        "storage_type",
        "cluster_create_time",
        "allocated_storage",
        "vpc_id",
        "license_model",
    )
    facts = {key: source[key] for key in kept_from_source if source.get(key) is not None}
    facts.update(
        db_cluster_snapshot_identifier=request.snapshot_id,
        snapshot_type=MANUAL,
        tags=new_snapshot_tags(source_tags, request.copy_tags, request),
    )
    if source.get("db_cluster_snapshot_arn"):
        facts["source_db_cluster_snapshot_arn"] = source["db_cluster_snapshot_arn"]
    if request.kms_key_id:
        # AWS reports the key's ARN: an alias or a bare key ID given here would not be what it reports.
        if KMS_KEY_ARN_PATTERN.fullmatch(request.kms_key_id):
            facts["kms_key_id"] = request.kms_key_id
    elif source.get("storage_encrypted") and source.get("kms_key_id"):
        # Without kms_key_id AWS encrypts the copy with the source's key (same region: a cross-region
        # encrypted copy needs kms_key_id).
        facts["kms_key_id"] = source["kms_key_id"]
    facts.update(_copy_arn(request, source))
    return facts


KMS_KEY_ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+")


def _copy_arn(request: SnapshotRequest, source: dict) -> dict:
    """The ARN the copy will have: the source's partition and account, this region, the new identifier.

    Not predicted for a snapshot shared from another account: this account's ID is not known without
    another call (sts:GetCallerIdentity), which a prediction is not worth.
    """
    if request.source.arn is None:
        # Same region and account as the source: the copy's ARN is the source's with the new identifier.
        return _arn_for(request.snapshot_id, source.get("db_cluster_snapshot_arn") or "", ":cluster-snapshot:")
    if shared_with_this_account(source) or request.region is None:
        return {}
    partition = request.source.arn.split(":")[1]
    return {
        "db_cluster_snapshot_arn": (
            f"arn:{partition}:rds:{request.region}:{request.source.account}:cluster-snapshot:{request.snapshot_id}"
        )
    }


def _arn_for(snapshot_id: str, sibling_arn: str, marker: str) -> dict:
    prefix, sep, _name = sibling_arn.rpartition(marker)
    return {"db_cluster_snapshot_arn": f"{prefix}:cluster-snapshot:{snapshot_id}"} if sep else {}


def new_snapshot_tags(origin_tags: dict | None, origin_copies_tags: bool, request: SnapshotRequest) -> dict:
    """The tags a new snapshot ends with: what AWS copies from its origin (when it does), then the
    task's tags with the usual rules. Origin tags that were not read (None) are predicted as none."""
    start = dict(origin_tags or {}) if origin_copies_tags else {}
    to_set, to_remove = tag_changes(start, request.tags, request.purge_tags)
    return apply_tag_changes(start, to_set, to_remove)


# Keys under this prefix belong to AWS: it refuses to add or remove them, so they are never sent and never
# count as a change (they come with the tags AWS copies from a cluster or a source snapshot).
AWS_TAG_PREFIX = "aws:"


def tag_changes(current: dict, desired: dict | None, purge: bool) -> tuple[dict, list]:
    """Tags to set and keys to remove, never an aws: key; desired None leaves the tags alone."""
    if desired is None:
        return {}, []
    to_set, to_remove = compare_aws_tags(current, desired, purge_tags=purge)
    to_set = {key: value for key, value in to_set.items() if not key.startswith(AWS_TAG_PREFIX)}
    return to_set, sorted(key for key in to_remove if not key.startswith(AWS_TAG_PREFIX))


def apply_tag_changes(current: dict, to_set: dict, to_remove: list) -> dict:
    tags = {key: value for key, value in current.items() if key not in to_remove}
    tags.update(to_set)
    return tags
