# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of what to change on a Neptune cluster snapshot, as plain data.

Nothing here talks to AWS: the module reads the current state, asks this file
what to do, and applies the plan unless it runs in check mode. The diff is the
plan's before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .validation import check_wait_timeout, normalize_identifier, normalize_tags

NEPTUNE_ENGINE = "neptune"
# Statuses from which a snapshot becomes available by itself.
PENDING_STATUSES = ("creating", "copying")

CREATE = "create"
DELETE = "delete"
UPDATE_TAGS = "update_tags"
NOTHING = "nothing"


class Refused(Exception):
    """The request cannot be carried out safely; nothing was changed."""


@dataclass(frozen=True)
class SnapshotRequest:
    snapshot_id: str
    cluster_id: str | None
    state: str
    tags: dict | None
    purge_tags: bool
    wait: bool
    wait_timeout: int


def build_request(params: dict) -> SnapshotRequest:
    """Validate the module's parameters; raises InvalidInput before any AWS call."""
    cluster_id = params.get("db_cluster_identifier")
    return SnapshotRequest(
        snapshot_id=normalize_identifier(params["db_cluster_snapshot_identifier"], "db_cluster_snapshot_identifier"),
        cluster_id=None if cluster_id is None else normalize_identifier(cluster_id, "db_cluster_identifier"),
        state=params.get("state", "present"),
        tags=normalize_tags(params.get("tags")),
        purge_tags=params.get("purge_tags", True),
        wait=params.get("wait", False),
        wait_timeout=check_wait_timeout(params.get("wait_timeout", 1200)),
    )


@dataclass
class Plan:
    action: str
    facts: dict
    """The snapshot's facts once the plan is applied (predicted in check mode)."""
    before: dict
    after: dict
    tags_to_set: dict = field(default_factory=dict)
    tags_to_remove: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.action != NOTHING


def check_existing_snapshot(request: SnapshotRequest, snapshot: dict) -> None:
    """Refuse to touch a snapshot that is not the one the task means."""
    snapshot_id = snapshot["db_cluster_snapshot_identifier"]
    engine = snapshot.get("engine")
    if engine != NEPTUNE_ENGINE:
        raise Refused(
            f"Snapshot {snapshot_id!r} exists but belongs to engine {engine!r}, not {NEPTUNE_ENGINE!r}; "
            "this module manages Neptune snapshots only and left it unchanged"
        )
    if snapshot.get("snapshot_type") == "automated":
        raise Refused(
            f"Snapshot {snapshot_id!r} is an automated snapshot; AWS manages those and this module "
            "never changes or deletes them"
        )
    source_cluster = (snapshot.get("db_cluster_identifier") or "").lower()
    if request.cluster_id is not None and source_cluster != request.cluster_id:
        raise Refused(
            f"Snapshot {snapshot_id!r} exists but was taken from cluster {source_cluster!r}, "
            f"not from cluster {request.cluster_id!r}; nothing was changed"
        )


def check_source_cluster(request: SnapshotRequest, cluster: dict | None) -> None:
    """Refuse to snapshot a cluster that is missing or not Neptune."""
    if request.cluster_id is None:
        raise Refused(
            f"Snapshot {request.snapshot_id!r} does not exist; db_cluster_identifier is required to create it"
        )
    if cluster is None:
        raise Refused(
            f"Cannot create snapshot {request.snapshot_id!r}: DB cluster {request.cluster_id!r} was not found"
        )
    engine = cluster.get("Engine")
    if engine != NEPTUNE_ENGINE:
        raise Refused(
            f"Cannot create snapshot {request.snapshot_id!r}: cluster {request.cluster_id!r} runs engine "
            f"{engine!r}, not {NEPTUNE_ENGINE!r}; this module snapshots Neptune clusters only"
        )


def predicted_snapshot_facts(request: SnapshotRequest, cluster: dict) -> dict:
    """What the cluster and the request tell of a snapshot about to be created."""
    facts = {
        "db_cluster_snapshot_identifier": request.snapshot_id,
        "db_cluster_identifier": request.cluster_id,
        "snapshot_type": "manual",
        "tags": dict(request.tags or {}),
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
    cluster_arn = cluster.get("DBClusterArn") or ""
    prefix, sep, _name = cluster_arn.rpartition(":cluster:")
    if sep:
        facts["db_cluster_snapshot_arn"] = f"{prefix}:cluster-snapshot:{request.snapshot_id}"
    return facts


def diff_view(facts: dict | None) -> dict:
    """The part of a snapshot that diff mode shows."""
    if not facts:
        return {"exists": False}
    return {
        "exists": True,
        "db_cluster_snapshot_identifier": facts.get("db_cluster_snapshot_identifier"),
        "db_cluster_identifier": facts.get("db_cluster_identifier"),
        "tags": dict(facts.get("tags") or {}),
    }


def tag_changes(current: dict, desired: dict | None, purge: bool) -> tuple[dict, list]:
    """Tags to set and keys to remove; desired None leaves the tags alone."""
    if desired is None:
        return {}, []
    to_set, to_remove = compare_aws_tags(current, desired, purge_tags=purge)
    return to_set, sorted(to_remove)


def apply_tag_changes(current: dict, to_set: dict, to_remove: list) -> dict:
    tags = {key: value for key, value in current.items() if key not in to_remove}
    tags.update(to_set)
    return tags


def make_plan(request: SnapshotRequest, snapshot: dict | None, cluster: dict | None = None) -> Plan:
    """Decide what to do.

    snapshot: the current facts (snake_case, with tags) or None when there is none.
    cluster: the DescribeDBClusters entry of request.cluster_id; only read to create.
    """
    before = diff_view(snapshot)
    if snapshot is not None:
        check_existing_snapshot(request, snapshot)

    if request.state == "absent":
        if snapshot is None:
            return Plan(NOTHING, facts={}, before=before, after=before)
        return Plan(DELETE, facts=snapshot, before=before, after=diff_view(None))

    if snapshot is None:
        check_source_cluster(request, cluster)
        facts = predicted_snapshot_facts(request, cluster)
        return Plan(CREATE, facts=facts, before=before, after=diff_view(facts))

    current_tags = snapshot.get("tags") or {}
    to_set, to_remove = tag_changes(current_tags, request.tags, request.purge_tags)
    if not to_set and not to_remove:
        return Plan(NOTHING, facts=snapshot, before=before, after=before)
    facts = dict(snapshot, tags=apply_tag_changes(current_tags, to_set, to_remove))
    return Plan(
        UPDATE_TAGS,
        facts=facts,
        before=before,
        after=diff_view(facts),
        tags_to_set=to_set,
        tags_to_remove=to_remove,
    )
