# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read, plan, apply, wait: the flow of neptune_cluster_snapshot.

Check mode stops after the plan, so it makes read calls only and reports the
same `changed` and the predicted facts.
"""

from __future__ import annotations

from .snapshot_plan import CREATE, DELETE, NEPTUNE_ENGINE, PENDING_STATUSES, UPDATE_TAGS, make_plan
from .waiting import ABSENT, AVAILABLE, wait_for_snapshot


def _read_snapshot_for_plan(api, request):
    """The current snapshot with its tags; tags are only read for a snapshot the module may touch."""
    snapshot = api.describe_snapshot(request.snapshot_id)
    if snapshot is not None and snapshot.get("engine") == NEPTUNE_ENGINE:
        snapshot["tags"] = api.read_tags(snapshot)
    return snapshot


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


def _apply(api, request, plan) -> dict:
    if plan.action == CREATE:
        return api.create_snapshot(request.snapshot_id, request.cluster_id, request.tags, request.wait_timeout)
    if plan.action == DELETE:
        status = plan.facts.get("status")
        if request.wait and status in PENDING_STATUSES:
            # AWS refuses to delete a snapshot still being created; with wait, let it finish first.
            status = _wait_until(api, request, AVAILABLE, plan.facts)["status"]
        api.delete_snapshot(request.snapshot_id, status)
        return plan.facts
    if plan.action == UPDATE_TAGS:
        # Removals first, so that replacing tags never goes over the per-resource tag limit.
        if plan.tags_to_remove:
            api.remove_tags(plan.facts, plan.tags_to_remove)
        if plan.tags_to_set:
            api.add_tags(plan.facts, plan.tags_to_set)
    return plan.facts


def _wait(api, request, plan, facts: dict) -> dict:
    if plan.action == DELETE:
        # Read anew: a delete that AWS finishes at once costs no poll interval.
        _wait_until(api, request, ABSENT, api.describe_snapshot(request.snapshot_id))
        return facts
    if request.state == "present" and facts.get("status") != AVAILABLE:
        return dict(_wait_until(api, request, AVAILABLE, facts), tags=facts.get("tags", {}))
    return facts


def ensure_snapshot(api, request, check_mode: bool) -> dict:
    """Bring the snapshot to the requested state; returns the module's result."""
    current = _read_snapshot_for_plan(api, request)
    cluster = None
    if current is None and request.state == "present" and request.cluster_id is not None:
        cluster = api.describe_cluster(request.cluster_id, f"to snapshot it as {request.snapshot_id!r}")
    plan = make_plan(request, current, cluster)

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
