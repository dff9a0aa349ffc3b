# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of what to change on a Neptune cluster snapshot, as plain data.

Nothing here talks to AWS: the module reads the current state, asks this file
what to do, and applies the plan unless it runs in check mode. The diff is the
plan's before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .statuses import AUTOMATED
from .statuses import AVAILABLE
from .statuses import MANUAL
from .statuses import NEPTUNE_ENGINE
from .statuses import DELETING
from .statuses import cluster_status_stays
from .validation import PUBLIC
from .validation import InvalidInput
from .validation import SnapshotSource
from .validation import check_wait_timeout
from .validation import normalize_identifier
from .validation import normalize_shared_accounts
from .validation import normalize_tags
from .validation import parse_source

CREATE = "create"
COPY = "copy"
DELETE = "delete"
UPDATE = "update"
NOTHING = "nothing"


class Refused(Exception):
    """The request cannot be carried out safely; nothing was changed."""


@dataclass(frozen=True)
class SnapshotRequest:
    snapshot_id: str
    cluster_id: str | None = None
    state: str = "present"
    tags: dict | None = None
    purge_tags: bool = True
    wait: bool = False
    wait_timeout: int = 1200
    source: SnapshotSource | None = None
    kms_key_id: str | None = None
    copy_tags: bool = False
    shared_accounts: list | None = None
    purge_shared_accounts: bool = True
    region: str | None = None
    """The module's region: where a new snapshot or copy is made."""


def build_request(params: dict, region: str | None = None) -> SnapshotRequest:
    """Validate the module's parameters; raises InvalidInput before any AWS call."""
    cluster_id = params.get("db_cluster_identifier")
    # kms_key_id and source_region are required_by the source in the argument spec; copy_tags defaults
    # to false, which required_by would count as given, so it is checked here.
    if params.get("source_db_cluster_snapshot_identifier") is None and params.get("copy_tags"):
        raise InvalidInput(
            f"copy_tags {params['copy_tags']!r} is only used to copy a snapshot: "
            "give source_db_cluster_snapshot_identifier too, or leave it out"
        )
    return SnapshotRequest(
        snapshot_id=normalize_identifier(params["db_cluster_snapshot_identifier"], "db_cluster_snapshot_identifier"),
        cluster_id=None if cluster_id is None else normalize_identifier(cluster_id, "db_cluster_identifier"),
        state=params.get("state", "present"),
        tags=normalize_tags(params.get("tags")),
        purge_tags=params.get("purge_tags", True),
        wait=params.get("wait", False),
        wait_timeout=check_wait_timeout(params.get("wait_timeout", 1200)),
        source=parse_source(params.get("source_db_cluster_snapshot_identifier"), params.get("source_region"), region),
        kms_key_id=params.get("kms_key_id"),
        copy_tags=params.get("copy_tags", False),
        shared_accounts=normalize_shared_accounts(params.get("shared_accounts"), params.get("allow_public", False)),
        purge_shared_accounts=params.get("purge_shared_accounts", True),
        region=region,
    )


# What a delete does not use, when the task sets it anyway: (option, is it set?).
_UNUSED_BY_DELETE = (
    ("tags", lambda value: value is not None),
    ("shared_accounts", lambda value: value is not None),
    ("kms_key_id", lambda value: value is not None),
    ("copy_tags", bool),
    ("source_region", lambda value: value is not None),
    ("allow_public", bool),
)


def ignored_option_warnings(params: dict) -> list:
    """Warnings for options a task sets that state=absent does not use (it deletes, nothing else)."""
    if params.get("state") != "absent":
        return []
    warnings = [
        f"{option} is ignored with state=absent: a delete neither tags, shares nor copies"
        for option, is_set in _UNUSED_BY_DELETE
        if is_set(params.get(option))
    ]
    if params.get("source_db_cluster_snapshot_identifier") is not None:
        warnings.append(
            "source_db_cluster_snapshot_identifier copies nothing with state=absent: it only keeps the delete off "
            "a snapshot AWS reports as copied from another source"
        )
    return warnings


@dataclass
class Plan:
    action: str
    facts: dict
    """The snapshot's facts once the plan is applied (predicted in check mode)."""
    before: dict
    after: dict
    tags_to_set: dict = field(default_factory=dict)
    tags_to_remove: list = field(default_factory=list)
    accounts_to_add: list = field(default_factory=list)
    accounts_to_remove: list = field(default_factory=list)
    origin_copies_tags: bool = False
    """A new snapshot gets tags of its own from AWS (copy_tags, or the cluster's CopyTagsToSnapshot)."""
    tags_known: bool = True
    """The planned tags are exact; False when AWS copies tags that could not be read beforehand."""
    cluster_status: str | None = None
    """The status of the cluster to snapshot, as read for the plan: it decides whether busy is retried."""

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
    if snapshot.get("snapshot_type") == AUTOMATED:
        raise Refused(
            f"Snapshot {snapshot_id!r} is an automated snapshot; AWS manages those and this module "
            "never changes, shares or deletes them"
        )
    source_cluster = (snapshot.get("db_cluster_identifier") or "").lower()
    if request.cluster_id is not None and source_cluster != request.cluster_id:
        raise Refused(
            f"Snapshot {snapshot_id!r} exists but was taken from cluster {source_cluster!r}, "
            f"not from cluster {request.cluster_id!r}; nothing was changed"
        )
    reported_source = snapshot.get("source_db_cluster_snapshot_arn")
    if request.source is not None and reported_source and not _same_source(request.source, reported_source):
        raise Refused(
            f"Snapshot {snapshot_id!r} exists but was copied from {reported_source!r}, "
            f"not from {request.source.reference!r}; nothing was changed"
        )


def _same_source(source: SnapshotSource, reported_arn: str) -> bool:
    if source.arn is not None:
        return reported_arn.lower() == source.arn.lower()
    # Given as an identifier: a snapshot of this region and account, so the ARN's last part decides.
    return reported_arn.lower().rpartition(":cluster-snapshot:")[2] == source.identifier


def check_source_cluster(request: SnapshotRequest, cluster: dict | None) -> None:
    """Refuse to snapshot a cluster that is missing or not Neptune."""
    if request.cluster_id is None:
        raise Refused(
            f"Snapshot {request.snapshot_id!r} does not exist; db_cluster_identifier (to snapshot a cluster) "
            "or source_db_cluster_snapshot_identifier (to copy a snapshot) is required to create it"
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
    status = cluster.get("Status")
    if cluster_status_stays(status):
        raise Refused(
            f"Cannot create snapshot {request.snapshot_id!r}: cluster {request.cluster_id!r} is {status!r}, a "
            "status AWS documents as one a cluster does not leave by itself; AWS snapshots a cluster only while "
            "it runs (a cluster busy with backing-up, modifying, maintenance, upgrading... is retried instead)"
        )


def check_copy_source(request: SnapshotRequest, source: dict | None) -> None:
    """Refuse a copy that AWS would refuse, or that would copy something else than a Neptune snapshot."""
    wanted = request.source.reference
    what = f"Cannot copy {wanted!r} to {request.snapshot_id!r}"
    if source is None:
        raise Refused(f"{what}: the source snapshot was not found")
    engine = source.get("engine")
    if engine != NEPTUNE_ENGINE:
        raise Refused(f"{what}: the source belongs to engine {engine!r}, not {NEPTUNE_ENGINE!r}")
    status = source.get("status")
    if status != AVAILABLE:
        raise Refused(f"{what}: the source is not available yet (status {status!r}); copy it once it is")
    encrypted = bool(source.get("storage_encrypted"))
    if request.kms_key_id and not encrypted:
        raise Refused(
            f"{what}: the source is not encrypted, and AWS cannot encrypt an unencrypted snapshot by "
            "copying it; leave kms_key_id out"
        )
    if encrypted and request.source.region and not request.kms_key_id:
        raise Refused(
            f"{what}: the source is encrypted and in region {request.source.region!r}; AWS requires "
            "kms_key_id, a KMS key of this (the destination) region, to copy it across regions"
        )
    if encrypted and shared_with_this_account(source) and not request.kms_key_id:
        raise Refused(
            f"{what}: the source is encrypted and shared from another account; AWS requires kms_key_id "
            "(a KMS key of this account and region) to copy an encrypted snapshot shared from another account"
        )


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


def diff_view(facts: dict | None) -> dict:
    """The part of a snapshot that diff mode shows."""
    if not facts:
        return {"exists": False}
    view = {
        "exists": True,
        "db_cluster_snapshot_identifier": facts.get("db_cluster_snapshot_identifier"),
        "db_cluster_identifier": facts.get("db_cluster_identifier"),
    }
    if "tags" in facts:  # a delete does not read them
        view["tags"] = dict(facts["tags"] or {})
    if "shared_accounts" in facts:
        view["shared_accounts"] = list(facts["shared_accounts"])
    return view


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


def share_changes(current: list, desired: list | None, purge: bool) -> tuple[list, list]:
    """Accounts to add and to remove; desired None leaves the sharing alone."""
    if desired is None:
        return [], []
    to_add = sorted(set(desired) - set(current))
    to_remove = sorted(set(current) - set(desired)) if purge else []
    return to_add, to_remove


def check_public_share(request: SnapshotRequest, facts: dict, accounts_to_add: list) -> None:
    if PUBLIC in accounts_to_add and facts.get("storage_encrypted"):
        raise Refused(
            f"Snapshot {request.snapshot_id!r} is encrypted, and AWS never makes encrypted snapshots public "
            "(shared_accounts 'all'); share it with account IDs instead"
        )


def _with_sharing(request: SnapshotRequest, facts: dict, current_accounts: list) -> tuple[dict, list, list]:
    to_add, to_remove = share_changes(current_accounts, request.shared_accounts, request.purge_shared_accounts)
    check_public_share(request, facts, to_add)
    if request.shared_accounts is not None:
        kept = set(current_accounts) - set(to_remove)
        facts = dict(facts, shared_accounts=sorted(kept | set(to_add)))
    return facts, to_add, to_remove


def make_plan(
    request: SnapshotRequest,
    snapshot: dict | None,
    cluster: dict | None = None,
    source: dict | None = None,
    origin_tags: dict | None = None,
) -> Plan:
    """Decide what to do.

    snapshot: the current facts (snake_case, with tags, and shared_accounts when
    the task manages sharing) or None when there is none.
    cluster: the DescribeDBClusters entry of request.cluster_id; only read to create.
    source: the copy source's facts; only read to copy.
    origin_tags: the tags AWS copies onto the new snapshot (the source's with copy_tags, the
    cluster's with its CopyTagsToSnapshot), when they were read.
    """
    before = diff_view(snapshot)
    if snapshot is not None:
        check_existing_snapshot(request, snapshot)

    if request.state == "absent":
        if snapshot is None:
            return Plan(NOTHING, facts={}, before=before, after=before)
        if snapshot.get("status") == DELETING:
            # Already on its way out (a re-run, or a delete retried after a lost answer): nothing to do.
            return Plan(NOTHING, facts=snapshot, before=before, after=diff_view(None))
        return Plan(DELETE, facts=snapshot, before=before, after=diff_view(None))

    if snapshot is None:
        if request.source is not None:
            check_copy_source(request, source)
            action, facts = COPY, predicted_copy_facts(request, source, origin_tags)
            origin_copies_tags = request.copy_tags
        else:
            check_source_cluster(request, cluster)
            action, facts = CREATE, predicted_snapshot_facts(request, cluster, origin_tags)
            origin_copies_tags = bool(cluster.get("CopyTagsToSnapshot"))
        facts, to_add, _none = _with_sharing(request, facts, [])
        exact_without_origin = request.tags is not None and request.purge_tags
        return Plan(
            action,
            facts=facts,
            before=before,
            after=diff_view(facts),
            accounts_to_add=to_add,
            origin_copies_tags=origin_copies_tags,
            tags_known=not origin_copies_tags or origin_tags is not None or exact_without_origin,
            cluster_status=(cluster or {}).get("Status"),
        )

    current_tags = snapshot.get("tags") or {}
    to_set, to_remove = tag_changes(current_tags, request.tags, request.purge_tags)
    facts = dict(snapshot, tags=apply_tag_changes(current_tags, to_set, to_remove))
    facts, accounts_to_add, accounts_to_remove = _with_sharing(request, facts, snapshot.get("shared_accounts", []))
    changes = to_set or to_remove or accounts_to_add or accounts_to_remove
    return Plan(
        UPDATE if changes else NOTHING,
        facts=facts,
        before=before,
        after=diff_view(facts),
        tags_to_set=to_set,
        tags_to_remove=to_remove,
        accounts_to_add=accounts_to_add,
        accounts_to_remove=accounts_to_remove,
    )
