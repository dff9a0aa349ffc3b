# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rotation's plan, as plain data: what to snapshot, copy, keep and prune, and why.

Nothing here talks to AWS. The run reads both regions' listings (identifier -> snapshot facts, with tags),
asks this file what to do, applies it, updates the listings with what AWS answered and asks again; check
mode asks once, with the snapshots a real run would make predicted into the listings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .rotation_input import RotationRequest
from .rotation_marks import copy_identifier, copy_tags, identifier_time, is_copy, is_original, source_identifier
from .statuses import AVAILABLE, CREATING, DELETING, FAILED, cluster_status_stays
from .timestamps import create_time

# The two regions of a rotation: the clusters' own, and the DR region its copies go to.
SOURCE, DR = "source", "dr"
# AWS allows five cluster-snapshot copies in progress per destination region and account.
COPY_LIMIT = 5
# A copy in any other status (creating, copying, pending, or one AWS adds) takes a copy slot.
COPY_DONE_STATUSES = (AVAILABLE, FAILED, DELETING)

# A stopped cluster is skipped, not failed: stopping a cluster is a choice, and AWS restarts it within 7 days.
STOPPED_STATUSES = ("stopped", "stopping")

# Why a snapshot is kept or pruned.
KEPT_THIS_RUN = "this run's snapshot"
KEPT_NEWEST_AVAILABLE = "the newest available snapshot"
KEPT_HELD = "its copy in the DR region is still in progress (AWS may fail a copy whose source goes first)"
PRUNED_FAILED = "failed: AWS could not make it"


def kept_not_available(status) -> str:
    return f"not available ({status}): neither counted nor pruned"


@dataclass
class ClusterPlan:
    """One cluster's plan in one region: identifiers oldest first, and the reason for each."""

    keep: list = field(default_factory=list)
    prune: list = field(default_factory=list)
    why: dict = field(default_factory=dict)

    @property
    def order(self) -> list:
        """Every identifier of the plan, oldest first."""
        return list(self.why)


def copy_time(copy: dict, source: dict | None) -> datetime | None:
    """A copy's age is its source's: AWS may stamp a copy with the time it was copied, which would keep it
    longer than its source. The oldest of the copy's time, its source's and the run time its name holds."""
    times = [t for t in (create_time(copy), identifier_time(copy["db_cluster_snapshot_identifier"]),
                         create_time(source) if source else None) if t]
    return min(times) if times else None


def retention(owned: list, times: dict, now: datetime, keep_last=None, max_age_days=None,
              this_run: str | None = None, held=()) -> ClusterPlan:
    """Which of a cluster's rotation snapshots (in one region) to keep and prune.

    owned: the rotation's snapshots of the cluster; times: identifier -> the time its age is counted from;
    this_run: the identifier this run made (it counts first among keep_last, whatever its status, and is
    never pruned). The newest available snapshot and those in held are never pruned. Other snapshots
    that are not available neither count nor go, except failed ones, which go. A snapshot is pruned when
    every rule given says so.
    """
    def order(snapshot):  # this run's snapshot is the newest, whatever time a listing gives it
        identifier = snapshot["db_cluster_snapshot_identifier"]
        moment = times.get(identifier)
        return (identifier == this_run, moment is None, moment or now, identifier)

    snapshots = sorted(owned, key=order)  # oldest first
    available = [s["db_cluster_snapshot_identifier"] for s in snapshots if s.get("status") == AVAILABLE]
    newest_available = available[-1] if available else None
    ranked = ([this_run] if this_run else []) + [i for i in reversed(available) if i != this_run]
    plan = ClusterPlan()
    for snapshot in snapshots:
        identifier, status = snapshot["db_cluster_snapshot_identifier"], snapshot.get("status")
        if identifier == this_run:
            reason, prune = KEPT_THIS_RUN, False
        elif status == FAILED:
            reason, prune = PRUNED_FAILED, True
        elif status != AVAILABLE:
            reason, prune = kept_not_available(status), False
        elif identifier == newest_available:
            reason, prune = KEPT_NEWEST_AVAILABLE, False
        else:
            reason, prune = _rule_verdict(ranked.index(identifier), now - (times.get(identifier) or now),
                                          keep_last, max_age_days)
            if prune and identifier in held:
                reason, prune = KEPT_HELD, False
        (plan.prune if prune else plan.keep).append(identifier)
        plan.why[identifier] = reason
    if this_run and this_run not in plan.why:  # predicted, not listed yet
        plan.keep.append(this_run)
        plan.why[this_run] = KEPT_THIS_RUN
    return plan


def _rule_verdict(rank: int, age: timedelta, keep_last, max_age_days) -> tuple:
    """(reason, prune) for an available snapshot ranked `rank` (0: newest) and `age` old."""
    beyond = keep_last is not None and rank >= keep_last
    old = max_age_days is not None and age > timedelta(days=max_age_days)
    if keep_last is not None and not beyond:
        return f"among the newest {keep_last}", False
    if max_age_days is not None and not old:
        return f"taken less than {max_age_days} days ago", False
    reasons = ([f"beyond the newest {keep_last}"] if keep_last is not None else []) + (
        [f"taken more than {max_age_days} days ago"] if max_age_days is not None else [])
    return " and ".join(reasons), True


def originals(request: RotationRequest, listing: dict, cluster: str) -> list:
    return [s for s in listing.values() if is_original(s, cluster, request.name, request.region)]


def copies(request: RotationRequest, dr_listing: dict, cluster: str) -> list:
    return [s for s in dr_listing.values() if is_copy(s, cluster, request.name, request.region)]


def copy_in_progress(snapshot: dict) -> bool:
    """Whether a snapshot of the DR region takes one of its copy slots: a copy (it names its source, or its
    status is not that of a plain create) in any status but available, failed or deleting."""
    status = snapshot.get("status")
    if status in COPY_DONE_STATUSES:
        return False
    return bool(snapshot.get("source_db_cluster_snapshot_arn")) or status != CREATING


def copies_in_progress(dr_listing: dict) -> list:
    """Every copy in progress in the DR region, whoever made it."""
    return sorted(i for i, s in dr_listing.items() if copy_in_progress(s))


def held_sources(request: RotationRequest, dr_listing: dict, cluster: str) -> set:
    """The originals whose copy is still on its way to the DR region."""
    return {
        source_identifier(s["db_cluster_snapshot_identifier"], request.region)
        for s in copies(request, dr_listing, cluster) if s.get("status") not in COPY_DONE_STATUSES
    }


def plan_cluster(request: RotationRequest, listing: dict, dr_listing: dict | None, cluster: str,
                 this_run: str | None, copy_expected: bool = False) -> dict:
    """{"source": ClusterPlan, "dr": ClusterPlan or None} of one cluster, from the listings as they are now.

    this_run: the identifier of this run's snapshot of the cluster, None when the run makes none (a stopped
    cluster, or a create that failed); its copy counts in the DR region when it is listed, or with copy_expected
    (the quota path plans before the copy exists).
    """
    rules = dict(now=request.now, keep_last=request.keep_last, max_age_days=request.max_age_days)
    mine = originals(request, listing, cluster)
    times = {s["db_cluster_snapshot_identifier"]: create_time(s) for s in mine}
    held = held_sources(request, dr_listing, cluster) if dr_listing is not None else set()
    source_plan = retention(mine, times, this_run=this_run, held=held, **rules)
    if dr_listing is None:
        return {SOURCE: source_plan, DR: None}
    dr_mine = copies(request, dr_listing, cluster)
    dr_times = {s["db_cluster_snapshot_identifier"]: copy_time(
        s, listing.get(source_identifier(s["db_cluster_snapshot_identifier"], request.region))) for s in dr_mine}
    this_copy = copy_identifier(this_run, request.region) if this_run else None
    if this_copy not in dr_listing and not copy_expected:
        this_copy = None
    return {SOURCE: source_plan, DR: retention(dr_mine, dr_times, this_run=this_copy, **rules)}


@dataclass(frozen=True)
class CopyOrder:
    """One copy to make: the copy's identifier, the source's identifier and ARN, and the copy's details."""

    cluster: str
    identifier: str
    source_identifier: str
    source_arn: str
    kms_key_id: str | None
    tags: dict


class CopyRefused(Exception):
    """A copy that cannot be made as asked; the cluster fails with this message, the others go on."""


def copy_order(request: RotationRequest, cluster: str, source: dict, dr_listing: dict) -> CopyOrder | None:
    """The copy of this run's snapshot to make, or None when the DR region holds it already."""
    identifier = copy_identifier(source["db_cluster_snapshot_identifier"], request.region)
    existing = dr_listing.get(identifier)
    if existing is not None:
        if is_copy(existing, cluster, request.name, request.region):
            return None
        raise CopyRefused(
            f"{request.dr_region} holds a snapshot named {identifier!r} that is not this rotation's copy "
            f"(its tags or source say otherwise); it was left alone and no copy was made"
        )
    encrypted = bool(source.get("storage_encrypted"))
    if encrypted and not request.dr_kms_key_id:
        raise CopyRefused(
            f"snapshot {source['db_cluster_snapshot_identifier']!r} is encrypted: AWS copies an encrypted snapshot to another region only "
            f"with a KMS key of that region; set dr_kms_key_id to a key of {request.dr_region}"
        )
    return CopyOrder(
        cluster=cluster,
        identifier=identifier,
        source_identifier=source["db_cluster_snapshot_identifier"],
        source_arn=source["db_cluster_snapshot_arn"],
        kms_key_id=request.dr_kms_key_id if encrypted else None,
        tags=copy_tags(source.get("tags"), request.name, request.region, request.tags),
    )


CREATE, SKIP, FAIL = "create", "skip", "fail"


def cluster_verdict(cluster: dict | None) -> tuple:
    """(action, reason) for a cluster as DescribeDBClusters shows it (None: not there).

    SKIP (stopped: its snapshots are still pruned by the rules) or FAIL (missing, or in a status that does not
    pass by itself: nothing of it is pruned, its snapshots may be all that is left of it); else CREATE, and a
    busy cluster is retried until wait_timeout.
    """
    if cluster is None:
        return FAIL, "no Neptune cluster of that name in the region; nothing was snapshotted or pruned"
    status = cluster.get("Status")
    if status in STOPPED_STATUSES:
        return SKIP, (f"the cluster is {status}: AWS snapshots available clusters only; "
                      "its snapshots were pruned by the rules all the same")
    if cluster_status_stays(status):
        return FAIL, (f"the cluster is {status!r}, a status that does not pass by itself; "
                      "nothing was snapshotted or pruned")
    return CREATE, None


def diff_view(request: RotationRequest, listing: dict, dr_listing: dict | None) -> dict:
    """{region: {cluster: [the rotation's identifiers, oldest first]}}: one side of the diff."""
    def by_cluster(found):
        return {cluster: sorted(s["db_cluster_snapshot_identifier"] for s in found(cluster))
                for cluster in request.clusters}

    view = {request.region: by_cluster(lambda c: originals(request, listing, c))}
    if dr_listing is not None:
        view[request.dr_region] = by_cluster(lambda c: copies(request, dr_listing, c))
    return view
