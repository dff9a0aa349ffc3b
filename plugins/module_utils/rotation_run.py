# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One rotation run over every cluster: read, plan, apply, report.

Each region is listed once; waits poll one listing for every snapshot at once. Creates, copies and deletes are
made side by side by a bounded pool. A cluster's failure is recorded against it and the others go on; the
module fails at the end, naming each. Check mode predicts the snapshots and copies a real run would make into
the listings and plans from them, so it reports the same pruned lists with read calls only.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from .rotation_api import BUSY, EXISTS, QUOTA, RegionApi, RotationCallError
from .rotation_copies import DrCopies
from .rotation_marks import copy_identifier, is_copy, is_original, original_tags
from .rotation_plan import DR, FAIL, SKIP, SOURCE, cluster_verdict, diff_view, plan_cluster
from .snapshot_listing_api import bounded_map
from .statuses import AVAILABLE, CREATING, MANUAL, NEPTUNE_ENGINE, SNAPSHOT_FAILURE_STATUSES, cluster_busy_passes
from .waiting import BUSY_FIRST_DELAY, BUSY_MAX_DELAY, POLL_INTERVAL, Deadline


@dataclass
class ClusterOutcome:
    """What happened to one cluster; `report` turns it into the module's per-cluster result."""

    this_run: str | None = None
    """The identifier of this run's snapshot: made now, or by an earlier run with the same `now`."""
    made: bool = False
    copy_made: bool = False
    skipped: str | None = None
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    prune_allowed: bool = True
    pruned: dict = field(default_factory=lambda: {SOURCE: [], DR: []})
    pruned_why: dict = field(default_factory=lambda: {SOURCE: {}, DR: {}})
    adopted: dict = field(default_factory=lambda: {SOURCE: None, DR: None})
    """What a create or copy answered "already exists" for: verified against the next listing."""
    """Why each snapshot in `pruned` was pruned: the plan's reason, kept past the delete for the report."""

    def fail(self, reason: str, prune_allowed: bool = True) -> None:
        self.failures.append(reason)
        self.prune_allowed = self.prune_allowed and prune_allowed


@dataclass
class Side:
    """A region of the run: its API and its listing {identifier: facts}, kept up to date by the run."""

    api: RegionApi
    listing: dict = field(default_factory=dict)


def _snapshot_arn(cluster_arn: str, identifier: str) -> str:
    return ":".join(cluster_arn.split(":")[:5] + ["cluster-snapshot", identifier])


class Rotation(DrCopies):
    def __init__(self, request, api, dr_api=None, check_mode=False, clock=time.monotonic, sleep=time.sleep,
                 jitter=random.uniform, poll_interval: float = POLL_INTERVAL):
        self.request, self.check_mode = request, check_mode
        self.sides = {SOURCE: Side(api)}
        if dr_api is not None:
            self.sides[DR] = Side(dr_api)
        self.clock, self.sleep, self.jitter, self.poll_interval = clock, sleep, jitter, poll_interval
        self.outcomes = {cluster: ClusterOutcome() for cluster in request.clusters}
        self.clusters, self.before, self.plans = {}, {}, {}
        self.quota_pruned = set()  # the sides pruned early for the manual snapshot quota

    @property
    def listing(self) -> dict:
        return self.sides[SOURCE].listing

    @property
    def dr_listing(self) -> dict | None:
        return self.sides[DR].listing if DR in self.sides else None

    def _refresh(self, side: str) -> None:
        """List the side's region again; tags already read are not read again."""
        current = self.sides[side].listing
        known = {i: s["tags"] for i, s in current.items() if "tags" in s}
        self.sides[side].listing = self.sides[side].api.list_snapshots(self.request.clusters, self.request.name, known)

    # ---- the run ---------------------------------------------------------------------------------------------
    def run(self) -> dict:
        self.clusters = self.sides[SOURCE].api.describe_clusters()
        for side in self.sides:
            self._refresh(side)
        self.before = diff_view(self.request, self.listing, self.dr_listing)
        to_create = self._judge_clusters()
        if self.check_mode:
            self._predict(to_create)
        else:
            self._create(to_create)
            self._verify_adopted(SOURCE)
            if self.request.wait or DR in self.sides:
                made = {o.this_run: c for c, o in self.outcomes.items() if o.this_run and not o.failures}
                self._wait_for(SOURCE, made, "snapshot")
            if DR in self.sides:
                self._copy()
        self._prune()
        return self.report()

    def _judge_clusters(self) -> list:
        """Record skips and failures; the clusters whose snapshot is to be made now."""
        to_create = []
        for cluster, outcome in self.outcomes.items():
            verdict, reason = cluster_verdict(self.clusters.get(cluster))
            identifier = self.request.identifier(cluster)
            existing = self.listing.get(identifier)
            if verdict == SKIP:
                outcome.skipped = reason
            elif verdict == FAIL:
                outcome.fail(reason, prune_allowed=False)
            elif existing is None:
                to_create.append(cluster)
            elif is_original(existing, cluster, self.request.name, self.request.region):
                outcome.this_run = identifier  # a re-run with the same `now`
            else:
                outcome.fail(f"a snapshot named {identifier!r} exists and is not this rotation's; it was left alone",
                             prune_allowed=False)
        return to_create

    # ---- check mode ------------------------------------------------------------------------------------------
    def _predict(self, to_create: list) -> None:
        """Put what a real run would make into the listings, in the statuses a real run would leave them in."""
        source_status = AVAILABLE if self.request.wait or DR in self.sides else CREATING
        for cluster in to_create:
            identifier, described = self.request.identifier(cluster), self.clusters[cluster]
            self.listing[identifier] = {
                "db_cluster_snapshot_identifier": identifier, "db_cluster_identifier": cluster,
                "db_cluster_snapshot_arn": _snapshot_arn(described.get("DBClusterArn", ""), identifier),
                "engine": NEPTUNE_ENGINE, "snapshot_type": MANUAL, "status": source_status,
                "snapshot_create_time": self.request.now.isoformat(),
                "storage_encrypted": bool(described.get("StorageEncrypted")),
                "tags": original_tags(self.request.name, self.request.region, self.request.tags),
            }
            self.outcomes[cluster].this_run, self.outcomes[cluster].made = identifier, True
        if DR in self.sides:
            self._predict_copies()

    # ---- snapshots -------------------------------------------------------------------------------------------
    def _create(self, to_create: list) -> None:
        """Create side by side. A busy cluster is retried in rounds until wait_timeout; a full quota once, after
        pruning what the rules would prune once tonight's snapshots exist."""
        api = self.sides[SOURCE].api
        deadline, delay = Deadline(self.request.wait_timeout, self.clock), BUSY_FIRST_DELAY
        pending, quota_full, quota_retried = list(to_create), [], set()
        while pending:
            busy = []
            for cluster, error in zip(pending, bounded_map(self._create_one, pending, api.workers)):
                if error is None:
                    continue
                if error.kind == BUSY and deadline.remaining() > 0 and \
                        cluster_busy_passes(self.clusters[cluster].get("Status")):
                    busy.append(cluster)
                elif error.kind == QUOTA and cluster not in quota_retried:
                    quota_full.append(cluster)
                else:
                    hint = {BUSY: f" (the cluster stayed busy for the whole wait_timeout of {self.request.wait_timeout} s)",
                            QUOTA: " (the manual snapshot quota, even after pruning)"}.get(error.kind, "")
                    self.outcomes[cluster].fail(f"{error}{hint}", prune_allowed=False)
            retry, quota_full = self._after_quota(SOURCE, quota_full, quota_retried), []
            if busy:
                self.sleep(min(self.jitter(delay / 2, delay), max(deadline.remaining(), 0)))
                delay = min(delay * 2, BUSY_MAX_DELAY)
            pending = busy + retry

    def _after_quota(self, side: str, refused: list, retried: set) -> list:
        """The clusters whose create or copy the manual snapshot quota refused, to try again once the rotation
        has pruned (early) what its rules would prune once tonight's snapshots exist; the others fail."""
        if not refused:
            return []
        region = self.sides[side].api.region
        freed = self._prune_early(side)
        for cluster in refused:
            if freed:
                retried.add(cluster)
                self.outcomes[cluster].notes.append(
                    f"the manual snapshot quota of {region} was reached: pruned {freed} snapshot(s) the rules "
                    "would prune once tonight's exist first, then tried again")
            else:
                self.outcomes[cluster].fail(
                    f"the manual DB cluster snapshot quota of {region} is reached and this rotation has nothing "
                    "there its rules would prune; delete manual snapshots or ask AWS for a higher quota",
                    prune_allowed=side == DR)
        return list(refused) if freed else []

    def _create_one(self, cluster: str) -> RotationCallError | None:
        identifier = self.request.identifier(cluster)
        tags = original_tags(self.request.name, self.request.region, self.request.tags)
        try:
            self.listing[identifier] = self.sides[SOURCE].api.create_snapshot(identifier, cluster, tags)
            self.outcomes[cluster].made = True
        except RotationCallError as error:
            if error.kind != EXISTS:
                return error
            self.outcomes[cluster].adopted[SOURCE] = identifier
        self.outcomes[cluster].this_run = identifier
        return None

    def _verify_adopted(self, side: str) -> None:
        """A create or copy that AWS answered "already exists" was resent after its first answer was lost, or
        met someone else's snapshot of that name: one listing tells which; someone else's is left alone."""
        adopted = {o.adopted[side]: c for c, o in self.outcomes.items() if o.adopted[side]}
        if not adopted:
            return
        self._refresh(side)
        owns = is_original if side == SOURCE else is_copy
        for identifier, cluster in adopted.items():
            snapshot = self.sides[side].listing.get(identifier)
            outcome = self.outcomes[cluster]
            if snapshot is not None and owns(snapshot, cluster, self.request.name, self.request.region):
                continue
            outcome.fail(f"{identifier!r} exists in {self.sides[side].api.region} and is not this rotation's (made "
                         "meanwhile by someone else, or of another engine); it was left alone",
                         prune_allowed=side == DR)
            if side == SOURCE:
                outcome.this_run = None

    def _wait_for(self, side: str, wanted: dict, what: str) -> None:
        """Poll the side's listing (one listing for all) until each wanted snapshot {identifier: cluster} is
        available, will never be, or wait_timeout has passed; each failure is recorded against its cluster."""
        region = self.sides[side].api.region
        deadline, listed = Deadline(self.request.wait_timeout, self.clock), False
        while True:
            waiting = {}
            for identifier, cluster in wanted.items():
                snapshot = self.sides[side].listing.get(identifier)
                status = (snapshot or {}).get("status")
                if status == AVAILABLE:
                    continue
                if snapshot is None and listed:
                    self.outcomes[cluster].fail(f"{what} {identifier!r} is not among the Neptune snapshots of "
                                                f"{region} any more")
                elif status in SNAPSHOT_FAILURE_STATUSES:
                    self.outcomes[cluster].fail(f"{what} {identifier!r} in {region} is {status!r}: it will not "
                                                "become available")
                else:
                    waiting[identifier] = cluster
            wanted = waiting
            if not wanted:
                return
            if deadline.remaining() <= 0:
                for identifier, cluster in wanted.items():
                    status = (self.sides[side].listing.get(identifier) or {}).get("status")
                    self.outcomes[cluster].fail(f"timed out after {self.request.wait_timeout} s waiting for {what} "
                                                f"{identifier!r} in {region} (last status {status!r})")
                return
            self.sleep(min(self.poll_interval, deadline.remaining()))
            self._refresh(side)
            listed = True

    # ---- pruning ---------------------------------------------------------------------------------------------
    def _plans(self, predicted: bool = False) -> dict:
        """{cluster: plan_cluster(...)} of the clusters that may be pruned. With predicted, this run's snapshots
        count as made: the quota path prunes before they exist."""
        plans = {}
        for cluster, outcome in self.outcomes.items():
            if not outcome.prune_allowed:
                continue
            this_run = outcome.this_run
            if predicted and this_run is None and not outcome.skipped:
                this_run = self.request.identifier(cluster)
            plans[cluster] = plan_cluster(self.request, self.listing, self.dr_listing, cluster, this_run,
                                          copy_expected=predicted)
        return plans

    def _prune_early(self, side: str) -> int:
        """Prune, on one side, what the rules would prune once tonight's snapshots exist; how many went."""
        if side in self.quota_pruned:
            return 0
        self.quota_pruned.add(side)
        plans = {c: p[side] for c, p in self._plans(predicted=True).items() if p[side]}
        return self._delete(plans, side)

    def _prune(self) -> None:
        plans = self._plans()
        if self.check_mode:
            for cluster, plan in plans.items():
                for side in self.sides:
                    self.outcomes[cluster].pruned[side] += plan[side].prune
                    for identifier in plan[side].prune:
                        self.sides[side].listing.pop(identifier)  # the diff's after
            self.plans = plans
            return
        for side in self.sides:
            self._delete({c: p[side] for c, p in plans.items()}, side)
        self.plans = self._plans()  # what is left: a snapshot whose delete failed is kept

    def _delete(self, plans: dict, side: str) -> int:
        """Delete what {cluster: ClusterPlan} prunes, side by side; a failure stays with its snapshot's cluster."""
        api = self.sides[side].api
        pairs = [(cluster, identifier) for cluster, plan in plans.items() for identifier in plan.prune]

        def delete(pair):
            try:
                api.delete_snapshot(pair[1])
            except RotationCallError as error:
                return error
            return None

        gone = 0
        for (cluster, identifier), error in zip(pairs, bounded_map(delete, pairs, api.workers)):
            if error is not None:
                self.outcomes[cluster].fail(f"could not delete {identifier!r}: {error}")
                continue
            self.sides[side].listing.pop(identifier, None)
            self.outcomes[cluster].pruned[side].append(identifier)
            self.outcomes[cluster].pruned_why[side][identifier] = plans[cluster].why[identifier]
            gone += 1
        return gone

    # ---- the result ------------------------------------------------------------------------------------------
    def _kept(self, cluster: str, side: str) -> tuple:
        """(kept identifiers oldest first, {identifier: why}) of a cluster on one side."""
        plan = self.plans.get(cluster)
        if plan is not None:
            side_plan = plan[side]
            if self.check_mode:
                return side_plan.keep, side_plan.why
            return side_plan.order, side_plan.why  # after the deletes, all that is left is kept
        left = plan_cluster(self.request, self.listing, self.dr_listing, cluster, None)[side]
        reason = f"left alone: {'; '.join(self.outcomes[cluster].failures)}"
        return left.order, {identifier: reason for identifier in left.order}

    def report(self) -> dict:
        clusters = {}
        for cluster, outcome in self.outcomes.items():
            created = None if self.check_mode else outcome.this_run
            kept, why = self._kept(cluster, SOURCE)
            # A real run's plan after the deletes no longer holds what it deleted: their reasons were kept apart.
            entry = {"created": created, "kept": kept, "pruned": sorted(outcome.pruned[SOURCE]),
                     "skipped": outcome.skipped, "failed": "; ".join(outcome.failures) or None,
                     "notes": outcome.notes, "reasons": {**why, **outcome.pruned_why[SOURCE]}}
            if DR in self.sides:
                dr_kept, dr_why = self._kept(cluster, DR)
                copy = self.dr_listing.get(copy_identifier(created, self.request.region)) if created else None
                mine = copy is not None and is_copy(copy, cluster, self.request.name, self.request.region)
                entry.update(dr_created=copy["db_cluster_snapshot_identifier"] if mine else None, dr_kept=dr_kept,
                             dr_pruned=sorted(outcome.pruned[DR]), dr_reasons={**dr_why, **outcome.pruned_why[DR]})
            clusters[cluster] = entry
        changed = any(o.made or o.copy_made or o.pruned[SOURCE] or o.pruned[DR] for o in self.outcomes.values())
        return {
            "changed": changed,
            "clusters": clusters,
            "diff": {"before": self.before, "after": diff_view(self.request, self.listing, self.dr_listing)},
        }

    def failures(self) -> list:
        return [f"cluster {c!r}: {'; '.join(o.failures)}" for c, o in self.outcomes.items() if o.failures]

    def skips(self) -> list:
        return [f"cluster {c!r} skipped: {o.skipped}" for c, o in self.outcomes.items() if o.skipped]
