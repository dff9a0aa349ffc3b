# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of a restore or of its teardown, as plain data.

Nothing here talks to AWS: the flow reads the cluster (with its tags and instances) and, for a restore, the
snapshot, asks this file what to do, and applies the plan unless in check mode. The diff is the plan's before and
after; check mode's result is the plan's predicted facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .restore_request import RESTORED_FROM_TAG
from .restore_request import RestoreRequest
from .snapshot_plan import Refused
from .statuses import AVAILABLE
from .statuses import NEPTUNE_ENGINE

RESTORE = "restore"
ADD_INSTANCES = "add-instances"
DELETE = "delete"
NOTHING = "nothing"
DELETING = "deleting"


@dataclass
class RestorePlan:
    action: str
    cluster: dict
    """The cluster's facts once the plan is applied (predicted in check mode; {} when there is none)."""
    instances: list
    """The instances' facts once the plan is applied (predicted in check mode)."""
    before: dict
    after: dict
    instances_to_create: list = field(default_factory=list)
    instances_to_delete: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.action != NOTHING


def _owner_problem(request: RestoreRequest, cluster: dict, tags: dict, deleting: bool) -> str | None:
    """Why the module must not touch this cluster, or None when it is its own (and, to keep, of this snapshot)."""
    name = request.cluster_id
    if cluster.get("Engine") != NEPTUNE_ENGINE:
        return f"Cluster {name!r} is a {cluster.get('Engine')!r} cluster, not a Neptune one: this module leaves it alone"
    restored_from = tags.get(RESTORED_FROM_TAG)
    if restored_from is None:
        what = "deletes" if deleting else "restores into"
        return (
            f"Cluster {name!r} exists and was not restored by this module (it has no {RESTORED_FROM_TAG!r} tag): "
            f"the module only {what} clusters it restored itself. Choose another db_cluster_identifier"
            + (" (a typo here must not delete a cluster in use)" if deleting else "")
        )
    if not deleting and restored_from != request.restored_from:
        return (
            f"Cluster {name!r} exists, restored from snapshot {restored_from!r}, not {request.snapshot.reference!r} "
            f"(its {RESTORED_FROM_TAG!r} tag says): the module does not replace it. Delete it first (state: absent) "
            "or choose another db_cluster_identifier"
        )
    return None


def view(cluster: dict | None, tags: dict | None, instances: list) -> dict:
    """What the diff shows of a cluster: existence, snapshot, instances (identifier: class) and tags."""
    if not cluster:
        return {"exists": False}
    return {
        "exists": True,
        "db_cluster_identifier": cluster.get("DBClusterIdentifier"),
        "restored_from": (tags or {}).get(RESTORED_FROM_TAG),
        "instances": {i["DBInstanceIdentifier"]: i.get("DBInstanceClass") for i in instances},
        "tags": dict(tags or {}),
    }


def restore_tags(request: RestoreRequest) -> dict:
    """The tags a restored cluster (and each of its instances) gets: the task's, and the module's own."""
    return dict(request.tags or {}, **{RESTORED_FROM_TAG: request.restored_from})


def predicted_cluster(request: RestoreRequest, snapshot: dict) -> dict:
    """The facts a restored cluster will have, as far as the request and the snapshot tell (check mode)."""
    facts = {
        "DBClusterIdentifier": request.cluster_id,
        "Engine": NEPTUNE_ENGINE,
        "EngineVersion": request.engine_version or snapshot.get("engine_version"),
        "Port": request.port or snapshot.get("port"),
        "StorageEncrypted": bool(snapshot.get("storage_encrypted")) or request.kms_key_id is not None,
        "DeletionProtection": request.deletion_protection,
    }
    kms_key = request.kms_key_id or snapshot.get("kms_key_id")
    if kms_key and facts["StorageEncrypted"]:
        facts["KmsKeyId"] = kms_key
    if request.db_subnet_group_name:
        facts["DBSubnetGroup"] = request.db_subnet_group_name
    if request.iam_auth is not None:
        facts["IAMDatabaseAuthenticationEnabled"] = request.iam_auth
    if request.serverless_v2_scaling:
        facts["ServerlessV2ScalingConfiguration"] = dict(request.serverless_v2_scaling)
    return {key: value for key, value in facts.items() if value is not None}


def predicted_instance(request: RestoreRequest, instance_id: str) -> dict:
    return {
        "DBInstanceIdentifier": instance_id,
        "DBInstanceClass": request.instance_class,
        "Engine": NEPTUNE_ENGINE,
        "DBClusterIdentifier": request.cluster_id,
    }


def check_restorable(reference: str, snapshot: dict | None) -> dict:
    """The snapshot a restore names, refused before anything is made unless it is there, a Neptune one and
    available; returns it."""
    if snapshot is None:
        raise Refused(f"Snapshot {reference!r} was not found: nothing to restore (nothing was made)")
    if snapshot.get("engine") != NEPTUNE_ENGINE:
        raise Refused(
            f"Snapshot {reference!r} is a {snapshot.get('engine')!r} snapshot, not a Neptune one: "
            "only Neptune snapshots restore into Neptune clusters (nothing was made)"
        )
    if snapshot.get("status") != AVAILABLE:
        raise Refused(
            f"Snapshot {reference!r} is {snapshot.get('status')!r}: AWS restores available snapshots only "
            "(wait for it, e.g. neptune_cluster_snapshot with wait: true; nothing was made)"
        )
    return snapshot


def plan_present(request: RestoreRequest, cluster: dict | None, tags: dict | None, instances: list,
                 snapshot: dict | None = None) -> RestorePlan:
    """Restore the cluster when there is none; add the instances it lacks; refuse a cluster not ours or of
    another snapshot. snapshot is read only when the cluster is to be restored."""
    before = view(cluster, tags, instances)
    if cluster is None:
        check_restorable(request.snapshot.reference, snapshot)
        new = [predicted_instance(request, name) for name in request.instance_ids]
        facts = predicted_cluster(request, snapshot)
        after = view(facts, restore_tags(request), new)
        return RestorePlan(RESTORE, facts, new, before, after, instances_to_create=list(request.instance_ids))
    problem = _owner_problem(request, cluster, tags or {}, deleting=False)
    if problem:
        raise Refused(problem)
    if cluster.get("Status") == DELETING:
        raise Refused(f"Cluster {request.cluster_id!r} is being deleted: re-run the task once it is gone")
    have = {i["DBInstanceIdentifier"] for i in instances}
    missing = [name for name in request.instance_ids if name not in have]
    # Instances beyond instance_count are left alone: a restore never removes what serves.
    if len(instances) >= request.instance_count or not missing:
        return RestorePlan(NOTHING, cluster, instances, before, dict(before))
    missing = missing[: request.instance_count - len(instances)]
    new = instances + [predicted_instance(request, name) for name in missing]
    after = view(cluster, tags, new)
    return RestorePlan(ADD_INSTANCES, cluster, new, before, after, instances_to_create=missing)


def plan_absent(request: RestoreRequest, cluster: dict | None, tags: dict | None, instances: list) -> RestorePlan:
    """Delete the instances, then the cluster: only a cluster this module restored."""
    before = view(cluster, tags, instances)
    if cluster is None:
        return RestorePlan(NOTHING, {}, [], before, dict(before))
    problem = _owner_problem(request, cluster, tags or {}, deleting=True)
    if problem:
        raise Refused(problem)
    if cluster.get("Status") == DELETING:
        # Already on its way (a run before this one): nothing left to ask of AWS.
        return RestorePlan(NOTHING, cluster, instances, before, {"exists": False})
    to_delete = [i["DBInstanceIdentifier"] for i in instances if i.get("DBInstanceStatus") != DELETING]
    return RestorePlan(DELETE, cluster, instances, before, {"exists": False}, instances_to_delete=to_delete)
