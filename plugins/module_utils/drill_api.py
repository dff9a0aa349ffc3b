# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The restore drill's calls: the listings of Neptune clusters and instances (with their tags), the snapshot to
restore, and the sweep of drill clusters an earlier run left behind.

The listings go through an rds client of the same endpoint: the rds model keeps the TagList of each DBCluster and
DBInstance, which Neptune's model drops, so one paged DescribeDBClusters (the engine filter sent) tells every drill
cluster without one ListTagsForResource a cluster. The deletes reuse neptune_cluster_restore's teardown, which
deletes only a cluster carrying its restored-from tag.
"""

from __future__ import annotations

from functools import partial

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from .drill_plan import choose_snapshot
from .drill_plan import plan_sweep
from .drill_plan import tags_of
from .restore_plan import DELETE
from .restore_plan import check_restorable
from .restore_plan import plan_absent
from .restore_request import RestoreRequest
from .restore_run import RestoreRun
from .snapshot_api import aws_call
from .snapshot_listing import ListingRequest
from .snapshot_listing_api import every_page
from .snapshot_listing_api import list_snapshots
from .snapshot_plan import Refused
from .statuses import NEPTUNE_ENGINE
from .statuses import neptune_engine_filters
from .validation import parse_source
from .waiting import WaitFailed


def list_clusters(listing_client) -> list:
    """Every Neptune DB cluster of the region, with its TagList: one DescribeDBClusters a 100 clusters."""
    with aws_call("list the Neptune DB clusters"):
        clusters = every_page(partial(listing_client.describe_db_clusters, aws_retry=True), "DBClusters",
                              Filters=neptune_engine_filters())
    return [cluster for cluster in clusters if cluster.get("Engine") == NEPTUNE_ENGINE]


def list_instances(listing_client) -> list:
    """Every Neptune DB instance of the region, with its TagList: one DescribeDBInstances a 100 instances."""
    with aws_call("list the Neptune DB instances"):
        instances = every_page(partial(listing_client.describe_db_instances, aws_retry=True), "DBInstances",
                               Filters=neptune_engine_filters())
    return [instance for instance in instances if instance.get("Engine") == NEPTUNE_ENGINE]


def find_snapshot(api, snapshot: str | None, cluster: str | None, rotation: str | None, region: str | None) -> dict:
    """The snapshot to restore: the one given (checked: there, Neptune, available), or the newest available one
    of the cluster (of the rotation, when named)."""
    if snapshot is not None:
        return check_restorable(snapshot, api.describe_source(parse_source(snapshot, None, region)))
    request = ListingRequest(snapshot_id=None, cluster_id=cluster, snapshot_type=None, include_shared=False,
                             include_public=False, tags=None, include_tags=rotation is not None,
                             include_shared_accounts=False)
    return choose_snapshot(list_snapshots(api, request), cluster, rotation, region)


def sweep(api, now, older_than_minutes: int, wait_timeout: int, check_mode: bool) -> dict:
    """List the drill clusters and delete (instances first) those older than the sweep age; in check mode, say
    which. A cluster's failure does not stop the others. Returns the module's changed, swept, kept and
    sweep_failed ({identifier: why})."""
    clusters = list_clusters(api.listing_client)
    plan = plan_sweep(clusters, now, older_than_minutes)
    failed = {}
    by_name = {(c.get("DBClusterIdentifier") or "").lower(): c for c in clusters}
    for name, _minutes in [] if check_mode else plan.stale:
        try:
            delete_drill_cluster(api, by_name[name], wait_timeout)
        except (AnsibleAWSError, Refused, WaitFailed) as error:
            failed[name] = str(error)
    swept = [{"identifier": name, "minutes": minutes} for name, minutes in plan.stale if name not in failed]
    return {
        "changed": bool(swept),
        "swept": swept,
        "kept": [{"identifier": name, "minutes": minutes} for name, minutes in plan.fresh],
        "sweep_failed": failed,
    }


def delete_drill_cluster(api, cluster: dict, wait_timeout: int) -> None:
    """The restore module's teardown of one cluster, without waiting: its instances, then the cluster."""
    name = cluster["DBClusterIdentifier"].lower()
    request = RestoreRequest(cluster_id=name, state="absent", skip_final_snapshot=True, wait=False,
                             wait_timeout=wait_timeout)
    instances = api.describe_instances(name)
    plan = plan_absent(request, cluster, tags_of(cluster), instances)
    if plan.action == DELETE:
        RestoreRun(api, request).delete(plan)
