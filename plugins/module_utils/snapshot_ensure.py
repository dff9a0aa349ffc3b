# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read, plan, apply, wait: the flow of neptune_cluster_snapshot.

Check mode stops after the plan, so it makes read calls only and reports the
same `changed` and the predicted facts.
"""

from __future__ import annotations

from .snapshot_api import SnapshotAppeared
from .snapshot_plan import AVAILABLE
from .snapshot_plan import COPY
from .snapshot_plan import CREATE
from .snapshot_plan import DELETE
from .snapshot_plan import NEPTUNE_ENGINE
from .snapshot_plan import PENDING_STATUSES
from .snapshot_plan import make_plan
from .snapshot_plan import tag_changes
from .waiting import ABSENT
from .waiting import wait_for_snapshot

# AWS allows at most this many tags on a resource.
MAX_TAGS_PER_RESOURCE = 50


def _read_snapshot_for_plan(api, request):
    """The current snapshot with its tags (and sharing, when the task manages it).

    Tags and sharing are only read for a snapshot the module may touch.
    """
    snapshot = api.describe_snapshot(request.snapshot_id)
    if snapshot is not None and snapshot.get("engine") == NEPTUNE_ENGINE:
        snapshot["tags"] = api.read_tags(snapshot)
        if request.shared_accounts is not None:
            snapshot["shared_accounts"] = api.read_shared_accounts(request.snapshot_id)
    return snapshot


def _read_origin(api, source_api, request):
    """What a new snapshot is made from: (cluster, source, source tags); only what the plan needs."""
    if request.source is None:
        if request.cluster_id is None:
            return None, None, None
        return api.describe_cluster(request.cluster_id, f"to snapshot it as {request.snapshot_id!r}"), None, None
    source = source_api.describe_source(request.source)
    source_tags = None
    if request.copy_tags and source is not None and source.get("engine") == NEPTUNE_ENGINE:
        source_tags = source_api.read_tags(source)
    return None, source, source_tags


def _wait_until(api, request, goal, snapshot):
    return wait_for_snapshot(
        lambda: api.describe_snapshot(request.snapshot_id),
        request.snapshot_id,
        goal,
        request.wait_timeout,
        PENDING_STATUSES,
        snapshot,
        api.clock,
        api.sleep,
    )


def _available(api, request, facts: dict) -> dict:
    """The snapshot once available, keeping the facts the API does not describe."""
    if facts.get("status") == AVAILABLE:
        return facts
    described = _wait_until(api, request, AVAILABLE, facts)
    return dict(facts, **described)


def _make(api, request, plan) -> dict:
    if plan.action == CREATE:
        return api.create_snapshot(request.snapshot_id, request.cluster_id, request.tags, request.wait_timeout)
    facts = api.copy_snapshot(request)
    planned_tags = plan.facts["tags"]
    if request.copy_tags:
        # What AWS copied is read back, then brought to the plan, so a re-run finds nothing to change.
        copied = api.read_tags(facts)
        to_set, to_remove = tag_changes(copied, planned_tags, purge=True)
        _change_tags(api, dict(facts, tags=planned_tags), to_set, to_remove)
    return dict(facts, tags=planned_tags)


def _change_tags(api, snapshot, to_set, to_remove) -> None:
    """Add first, so that a run cut short between the calls loses no tag: a re-run removes the rest.

    Only when adding first would pass AWS's limit of tags on a resource do removals go first.
    """
    final_count = len(snapshot.get("tags") or {})
    calls = [(api.add_tags, to_set), (api.remove_tags, to_remove)]
    if final_count + len(to_remove) > MAX_TAGS_PER_RESOURCE:
        calls.reverse()
    for call, changes in calls:
        if changes:
            call(snapshot, changes)


def _apply(api, request, plan) -> dict:
    if plan.action == DELETE:
        status = plan.facts.get("status")
        if request.wait and status in PENDING_STATUSES:
            # AWS refuses to delete a snapshot still being created; with wait, let it finish first.
            status = _wait_until(api, request, AVAILABLE, plan.facts)["status"]
        api.delete_snapshot(request.snapshot_id, status)
        return plan.facts

    facts = plan.facts
    if plan.action in (CREATE, COPY):
        try:
            facts = _make(api, request, plan)
        except SnapshotAppeared:
            return _adopt(api, request)
    _change_tags(api, plan.facts, plan.tags_to_set, plan.tags_to_remove)
    if plan.accounts_to_add or plan.accounts_to_remove:
        # AWS shares available snapshots only, so sharing waits for a new snapshot whatever `wait` says.
        facts = _available(api, request, facts)
        api.modify_sharing(request.snapshot_id, plan.accounts_to_add, plan.accounts_to_remove)
    if "shared_accounts" in plan.facts:
        facts = dict(facts, shared_accounts=plan.facts["shared_accounts"])
    return facts


def _adopt(api, request) -> dict:
    """The snapshot appeared between our read and our create (a concurrent run, or a lost answer
    that botocore retried): take it as made if it is the one the task means, and reconcile it."""
    snapshot = _read_snapshot_for_plan(api, request)
    return _apply(api, request, make_plan(request, snapshot))


def _wait(api, request, plan, facts: dict) -> dict:
    if plan.action == DELETE:
        # Read anew: a delete that AWS finishes at once costs no poll interval.
        _wait_until(api, request, ABSENT, api.describe_snapshot(request.snapshot_id))
        return facts
    if request.state == "present":
        return _available(api, request, facts)
    return facts


def ensure_snapshot(api, request, check_mode: bool, source_api=None) -> dict:
    """Bring the snapshot to the requested state; returns the module's result.

    source_api reads the copy source when it is in another region (default: api).
    """
    current = _read_snapshot_for_plan(api, request)
    cluster = source = source_tags = None
    if current is None and request.state == "present":
        cluster, source, source_tags = _read_origin(api, source_api or api, request)
    plan = make_plan(request, current, cluster, source, source_tags)

    facts = plan.facts
    if not check_mode:
        facts = _apply(api, request, plan)
        if request.wait:
            facts = _wait(api, request, plan, facts)

    return {
        "changed": plan.changed,
        "db_cluster_snapshot": facts,
        "diff": {"before": plan.before, "after": plan.after},
    }
