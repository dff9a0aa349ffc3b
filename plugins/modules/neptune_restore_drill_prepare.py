#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


DOCUMENTATION = r"""
---
module: neptune_restore_drill_prepare
version_added: 1.1.0
short_description: Prepare a Neptune restore drill - sweep old drill clusters, pick the snapshot, name the drill cluster
description:
  - The first step of the role R(graphops.neptune.restore_drill,ansible_collections.graphops.neptune.restore_drill_role);
    usable on its own.
  - Sweeps the drill clusters an earlier drill left behind (a controller killed mid-run) that are older than
    O(sweep_older_than) minutes, deleting their instances, then the clusters, without final snapshot and without
    waiting. A drill cluster is told only by the tags AWS keeps on it - C(graphops.neptune/drill), whose value is the
    instant its drill started, together with C(graphops.neptune/restored-from) - never by its name. One cluster's
    failure does not stop the others; the task fails at the end, naming each, with the snapshot picked and the
    drill cluster named all the same (the role drills, then fails at the step V(sweep)).
  - Picks the snapshot to restore - O(snapshot), checked to exist, be a Neptune snapshot and be available, or the
    newest available snapshot of O(cluster) (of the rotation O(rotation), when given) - and names the drill cluster
    C(<cluster>-drill-<YYYYMMDD>-<HHMMSS>) (UTC), shortened to leave room for its instance's C(-1) within 63
    characters.
  - The clusters are read with one paged DescribeDBClusters (100 a page, the C(engine) filter sent), through an
    C(rds) client, whose model keeps each cluster's tags.
author:
  - graphops engineers (@graphops)
options:
  snapshot:
    description:
      - The snapshot to restore (an identifier, an automated C(rds:) one, an AWS Backup one, or an ARN). One of
        O(snapshot) and O(cluster) is required.
    type: str
  cluster:
    description:
      - Restore the newest available snapshot of this cluster (when O(snapshot) is not given). With O(snapshot), the
        name the drill cluster is made from (by default the snapshot's cluster).
    type: str
  rotation:
    description:
      - With O(cluster), only the snapshots of this rotation of M(graphops.neptune.neptune_cluster_snapshot_rotation)
        (taken in this region, or copied here from another).
    type: str
  now:
    description:
      - The instant the drill cluster is named after and sweep ages are counted from, ISO 8601 (C(Z) or an offset);
        by default the current time.
    type: str
  sweep:
    description: Whether to sweep drill clusters an earlier run left behind.
    type: bool
    default: true
  sweep_older_than:
    description:
      - Sweep only drill clusters whose drill started at least this many minutes before O(now); at least 60. Give
        more than the longest drill takes, so that a drill still running (another controller's) is never swept.
    type: int
    default: 1440
  wait_timeout:
    description: How many seconds the sweep may retry a busy cluster's delete (at least 60).
    type: int
    default: 600
notes:
  - Check mode reads only and returns what the sweep would delete.
  - "IAM permissions: rds:DescribeDBClusters, rds:DescribeDBClusterSnapshots, rds:ListTagsForResource (with
    O(rotation)), rds:DescribeDBInstances; for the sweep rds:DeleteDBInstance, rds:DeleteDBCluster,
    rds:ModifyDBCluster."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Reads only, and returns what the sweep would delete.
  diff_mode:
    support: none
    description: No diff is returned.
  idempotent:
    support: full
    description: A second run finds nothing more to sweep.
"""

EXAMPLES = r"""
- name: Sweep, and pick the newest nightly snapshot of graph-prod
  graphops.neptune.neptune_restore_drill_prepare:
    cluster: graph-prod
    rotation: nightly
  register: drill

- name: Restore a given snapshot, sweeping drill clusters older than 6 hours
  graphops.neptune.neptune_restore_drill_prepare:
    snapshot: rds:graph-prod-2026-11-27-03-00
    sweep_older_than: 360
"""

RETURN = r"""
snapshot:
  description: The snapshot to restore, in snake_case.
  returned: when a snapshot was picked (also when the sweep failed)
  type: dict
  contains:
    db_cluster_snapshot_identifier:
      description: The snapshot's identifier; give it to the restore.
      type: str
      returned: when a snapshot was picked (also when the sweep failed)
      sample: graph-prod-nightly-20261202-030000
    db_cluster_identifier:
      description: The cluster it was taken of.
      type: str
      returned: when a snapshot was picked (also when the sweep failed)
      sample: graph-prod
    snapshot_create_time:
      description: When it was taken.
      type: str
      returned: when a snapshot was picked (also when the sweep failed)
      sample: "2026-12-02T03:00:00+00:00"
    engine_version:
      description: Its engine version.
      type: str
      returned: when a snapshot was picked (also when the sweep failed)
      sample: 1.3.2.1
    storage_encrypted:
      description: Whether it is encrypted.
      type: bool
      returned: when a snapshot was picked (also when the sweep failed)
      sample: true
drill_cluster:
  description: The drill cluster's identifier; its instance is this followed by C(-1).
  returned: when a snapshot was picked (also when the sweep failed)
  type: str
  sample: graph-prod-drill-20261202-040000
source_cluster:
  description: The cluster the drill cluster is named after (O(cluster), or the snapshot's cluster).
  returned: when a snapshot was picked (also when the sweep failed)
  type: str
  sample: graph-prod
drill_tag:
  description: The value of the C(graphops.neptune/drill) tag to give the drill cluster, the drill's start (UTC).
  returned: when a snapshot was picked (also when the sweep failed)
  type: str
  sample: "2026-12-02T04:00:00Z"
chosen_at:
  description: The instant the snapshot was chosen (the start of time-to-restore), ISO 8601 UTC.
  returned: when a snapshot was picked (also when the sweep failed)
  type: str
  sample: "2026-12-02T04:00:01.250000Z"
swept:
  description: The drill clusters deleted (in check mode, to delete) by the sweep, with their age in minutes.
  returned: always
  type: list
  elements: dict
  sample: [{"identifier": "graph-prod-drill-20261125-040000", "minutes": 10080.0}]
kept:
  description: Drill clusters younger than O(sweep_older_than), left alone, with their age in minutes.
  returned: always
  type: list
  elements: dict
  sample: []
sweep_failed:
  description: The drill clusters the sweep could not delete, and why.
  returned: always
  type: dict
  sample: {}
"""

from datetime import datetime, timezone

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.graphops.neptune.plugins.module_utils.drill_api import find_snapshot
from ansible_collections.graphops.neptune.plugins.module_utils.drill_api import sweep
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import drill_cluster_id
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import prepare_input
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import snapshot_summary
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import utc_text
from ansible_collections.graphops.neptune.plugins.module_utils.restore_api import NeptuneRestoreApi
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import module_client
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import Refused
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

ARGUMENT_SPEC = dict(
    snapshot=dict(type="str"),
    cluster=dict(type="str"),
    rotation=dict(type="str"),
    now=dict(type="str"),
    sweep=dict(type="bool", default=True),
    sweep_older_than=dict(type="int", default=1440),
    wait_timeout=dict(type="int", default=600),
)


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    try:
        cluster, rotation, now = prepare_input(params, module.region)
    except InvalidInput as error:
        module.fail_json(msg=str(error))

    api = NeptuneRestoreApi(module_client(module, "neptune"), listing_client=module_client(module, "rds"))
    result = {"changed": False, "swept": [], "kept": [], "sweep_failed": {}}
    try:
        if params["sweep"]:
            result.update(sweep(api, now, params["sweep_older_than"], params["wait_timeout"], module.check_mode))
        snapshot = find_snapshot(api, params["snapshot"], cluster, rotation, module.region)
    except Refused as error:
        module.fail_json(msg=str(error), **result)
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)

    source_cluster = cluster or (snapshot.get("db_cluster_identifier") or "restore").lower()
    try:
        drill_cluster = drill_cluster_id(source_cluster, now)
    except InvalidInput as error:
        module.fail_json(msg=str(error), **result)
    result.update(
        snapshot=snapshot_summary(snapshot),
        source_cluster=source_cluster,
        drill_cluster=drill_cluster,
        drill_tag=utc_text(now),
        chosen_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    )
    if result["sweep_failed"]:
        # Every other old drill cluster was deleted and the snapshot is chosen: the result says so, then fails.
        module.fail_json(msg="The sweep could not delete every drill cluster an earlier run left behind: " + "; ".join(
            f"{name}: {why}" for name, why in sorted(result["sweep_failed"].items())), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
