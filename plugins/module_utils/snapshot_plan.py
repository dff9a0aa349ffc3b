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

from .snapshot_prediction import apply_tag_changes
from .snapshot_prediction import predicted_copy_facts
from .snapshot_prediction import predicted_snapshot_facts
from .snapshot_prediction import shared_with_this_account
from .snapshot_prediction import tag_changes
from .snapshot_request import SnapshotRequest
from .statuses import AUTOMATED
from .statuses import AVAILABLE
from .statuses import DELETING
from .statuses import NEPTUNE_ENGINE
from .statuses import cluster_status_stays
from .validation import PUBLIC
from .validation import SnapshotSource

CREATE = "create"
COPY = "copy"
DELETE = "delete"
UPDATE = "update"
NOTHING = "nothing"


class Refused(Exception):
    """The request cannot be carried out safely; nothing was changed."""


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
    copied_tags_goal: tuple = (None, True)
    """(tags, purge) that the tags AWS copies onto a new snapshot are brought to: the planned tags when they are
    exact, else the task's tags with its purge_tags."""
    cluster_status: str | None = None
    """The status of the cluster to snapshot, as read for the plan: it decides whether busy is retried."""

    @property
    def changed(self) -> bool:
        return self.action != NOTHING

    def copied_tags_changes(self, copied: dict) -> tuple[dict, list, dict]:
        """(tags to set, keys to remove, the tags then) that bring the tags AWS copied onto the new snapshot
        to the plan, so that a re-run finds nothing to change."""
        to_set, to_remove = tag_changes(copied, *self.copied_tags_goal)
        return to_set, to_remove, apply_tag_changes(copied, to_set, to_remove)


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
    if request.source is not None and reported_source and not _same_source(
        request.source, reported_source, snapshot.get("db_cluster_snapshot_arn")
    ):
        raise Refused(
            f"Snapshot {snapshot_id!r} exists but was copied from {reported_source!r}, "
            f"not from {request.source.reference!r}; nothing was changed"
        )


def _same_source(source: SnapshotSource, reported_arn: str, copy_arn: str | None) -> bool:
    """Whether the source a copy reports (an ARN) is the task's, compared whole, never by a part of the name."""
    if source.arn is not None:
        return reported_arn.lower() == source.arn.lower()
    # Given as an identifier: a snapshot of this region and account, the copy's own (its ARN up to the name),
    # named exactly so.
    where, _sep, name = reported_arn.lower().rpartition(":cluster-snapshot:")
    own = (copy_arn or "").lower().rpartition(":cluster-snapshot:")[0]
    return name == source.identifier and (not own or where == own)


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
        tags_known = not origin_copies_tags or origin_tags is not None or exact_without_origin
        return Plan(
            action,
            facts=facts,
            before=before,
            after=diff_view(facts),
            accounts_to_add=to_add,
            origin_copies_tags=origin_copies_tags,
            tags_known=tags_known,
            copied_tags_goal=(facts["tags"], True) if tags_known else (request.tags, request.purge_tags),
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
