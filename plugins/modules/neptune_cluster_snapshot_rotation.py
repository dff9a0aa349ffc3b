#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: neptune_cluster_snapshot_rotation
version_added: 1.1.0
short_description: Rotate manual Amazon Neptune DB cluster snapshots of many clusters, with disaster-recovery copies
description:
  - Takes a manual snapshot of each listed Neptune cluster, optionally copies it to another region, and prunes
    the older snapshots of the same rotation by O(keep_last) and O(max_age_days), in both regions, in one run.
  - Names a new snapshot C(<cluster>-<name>-<YYYYMMDD>-<HHMMSS>) and its copy the same followed by
    C(-<the region it came from>), so that two regions rotating same-named clusters and copying to each other never
    collide.
  - Deletes only what a rotation of this O(name) made, judged by what AWS keeps on each snapshot - its identifier,
    its cluster and its tags together - C(graphops.neptune/rotation)
    (the name) and C(graphops.neptune/rotation-region) (the region it was taken in) on a snapshot, or
    C(graphops.neptune/rotation-copied-from) (the region it was copied from) on a copy. Automated snapshots,
    AWS Backup's, hand-made ones (tagged or not, copies with copied tags included), another rotation's, another
    region's rotation's and other engines' are never pruned. The snapshot this run made and the newest available
    one are never pruned, nor a snapshot whose copy is still on its way to the DR region.
  - Works on many clusters side by side, with few API calls and within a share of the account's API rate (see
    docs/internals.md in the collection's repository).
  - When the manual snapshot quota refuses a snapshot or a copy, prunes first what the rules would prune once
    tonight's snapshot exists and tries again, once. Never deletes other snapshots to make room.
  - A cluster's failure (missing, not Neptune, in a status that does not pass, busy past O(wait_timeout), a copy
    that fails or outlasts it, a missing KMS key) stays its own; every other cluster is still snapshotted, copied
    and pruned, and the task then fails naming each cluster and why. A stopped cluster is skipped with a warning,
    its snapshots still pruned, and does not fail the task.
  - Copies within AWS's limit of five snapshot copies in progress per region and account, counting every copy in
    progress there; a copy refused for that limit waits for a slot within O(wait_timeout).
author:
  - graphops engineers (@graphops)
options:
  clusters:
    description:
      - The Neptune DB clusters to rotate (identifiers, compared case-insensitively), in the module's region.
    type: list
    elements: str
    required: true
  name:
    description:
      - The rotation's name, part of the new identifiers and the value of the tag C(graphops.neptune/rotation).
        Rotations of different names (such as V(nightly) and V(weekly)) never prune each other's snapshots.
      - Lowercase letters, digits and single hyphens between them.
    type: str
    default: default
  keep_last:
    description:
      - Keep the newest this many available snapshots of each cluster, counting the one this run makes. 1 or more.
      - With O(max_age_days) too, a snapshot is pruned only when both rules would prune it. At least one is required.
    type: int
  max_age_days:
    description:
      - Keep the snapshots taken less than this many days before O(now). 0 or more.
      - A copy's age is its source's, so a copy never outlives its source only because it was copied later.
    type: int
  tags:
    description:
      - Extra tags for the new snapshots and their copies. The rotation's own tags (C(graphops.neptune/rotation*))
        are refused here, since the rotation sets them.
    type: dict
    default: {}
  dr_region:
    description:
      - A region to copy each new snapshot to, with its tags; this rotation's copies there are pruned by the same
        rules. New snapshots are then always waited for, since AWS copies available snapshots only.
      - Must differ from the module's region.
      - Its calls go to O(dr_endpoint_url), or to AWS's endpoint of O(dr_region); with O(endpoint_url) set,
        O(dr_endpoint_url) is required (see there).
    type: str
  dr_endpoint_url:
    description:
      - The endpoint of O(dr_region). Needed when O(endpoint_url) is set (a VPC interface endpoint, a FIPS
        endpoint, a proxy), since an endpoint serves one region only, and AWS refuses a request signed for another
        region than its endpoint's.
      - The DR region's listings, copies and deletes go to this endpoint, signed for O(dr_region), and the
        presigned URL botocore adds to each copy names O(endpoint_url), the endpoint of the copies' source region.
      - With O(endpoint_url) set and this left out, a run with O(dr_region) is refused before any AWS call. Give the
        same URL as O(endpoint_url) only if that endpoint serves both regions.
      - Without either, each region's calls go to AWS's regional endpoints, as botocore picks them. Needs
        O(dr_region).
    type: str
  dr_kms_key_id:
    description:
      - The KMS key of O(dr_region) (ID, ARN or alias) for the copies of encrypted snapshots; AWS requires one.
        Unencrypted snapshots are copied unencrypted. Needs O(dr_region).
    type: str
  wait:
    description:
      - Wait until the new snapshots and their copies are available. Without it, the run still waits where it must,
        up to O(wait_timeout) - for the new snapshots before copying them, and for copy slots.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds each wait may last - for the new snapshots, for copy slots, for the copies, and for a
        busy cluster to take its snapshot. A copy still in progress at the end keeps its source; the next run
        picks it up.
    type: int
    default: 1800
  now:
    description:
      - The instant the run treats as now, ISO 8601 (such as V(2026-11-30T03:00:00Z); an offset is converted to UTC,
        a time without one is taken as UTC), for the new identifiers and for ages. Defaults to the current time.
      - A re-run with the same instant makes nothing new.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Makes read calls only and reports the same pruned lists a real run would delete.
  diff_mode:
    support: full
    description: Shows each region's rotation snapshots by cluster before and after.
  idempotent:
    support: full
    description: A re-run with the same O(now) makes nothing new and prunes nothing more.
notes:
  - IAM - C(rds:DescribeDBClusters), C(rds:DescribeDBClusterSnapshots), C(rds:ListTagsForResource),
    C(rds:CreateDBClusterSnapshot), C(rds:AddTagsToResource), C(rds:DeleteDBClusterSnapshot), and with a DR region
    C(rds:CopyDBClusterSnapshot) there (plus C(kms:CreateGrant) and C(kms:DescribeKey) on its key for encrypted
    copies). Check mode needs the read actions only.
  - Snapshots tagged C(graphops.neptune/rotation) without the region tags the module sets (such as those the
    C(snapshot_rotation) role of version 1.0.0 made) are never pruned; delete them by hand when they are not needed.
"""

EXAMPLES = r"""
- name: Nightly snapshots of two clusters, 7 kept (30 days), copies in eu-central-1
  graphops.neptune.neptune_cluster_snapshot_rotation:
    region: eu-west-1
    clusters: [graph-prod, graph-search]
    name: nightly
    keep_last: 7
    max_age_days: 30
    dr_region: eu-central-1
    dr_kms_key_id: alias/neptune-dr
    tags:
      owner: data-platform
  register: rotation

- name: What a weekly rotation would make and prune (read calls only)
  graphops.neptune.neptune_cluster_snapshot_rotation:
    region: us-east-1
    clusters: [graph-prod]
    name: weekly
    max_age_days: 92
  check_mode: true
  diff: true
"""

RETURN = r"""
clusters:
  description:
    - By cluster identifier (lowercase), what the run made, kept and pruned, and why.
  returned: always
  type: dict
  sample:
    graph-prod:
      created: graph-prod-nightly-20261130-030000
      kept: [graph-prod-nightly-20261129-030000, graph-prod-nightly-20261130-030000]
      pruned: [graph-prod-nightly-20261128-030000]
      skipped: null
      failed: null
      notes: []
      reasons:
        graph-prod-nightly-20261128-030000: beyond the newest 2
        graph-prod-nightly-20261129-030000: among the newest 2
        graph-prod-nightly-20261130-030000: this run's snapshot
      dr_created: graph-prod-nightly-20261130-030000
      dr_kept: [graph-prod-nightly-20261129-030000, graph-prod-nightly-20261130-030000]
      dr_pruned: [graph-prod-nightly-20261128-030000]
      dr_reasons:
        graph-prod-nightly-20261128-030000: beyond the newest 2
        graph-prod-nightly-20261129-030000: among the newest 2
        graph-prod-nightly-20261130-030000: this run's snapshot
  contains:
    created:
      description: The identifier of this run's snapshot (null in check mode, and when none was made).
      type: str
      returned: always
    kept:
      description: The rotation's snapshots of the cluster left in its region, oldest first (this run's included).
      type: list
      elements: str
      returned: always
    pruned:
      description: The snapshots deleted (in check mode, that a real run would delete), sorted.
      type: list
      elements: str
      returned: always
    skipped:
      description: Why the cluster was not snapshotted without that failing the task (it is stopped), or null.
      type: str
      returned: always
    failed:
      description: Why the cluster failed (every reason, joined by C(; )), or null. The task fails when any cluster does.
      type: str
      returned: always
    notes:
      description: What else the run did for the cluster, such as pruning before snapshotting when the quota was full.
      type: list
      elements: str
      returned: always
    reasons:
      description: For each snapshot in RV(clusters.kept) and RV(clusters.pruned), why the rules kept or pruned it.
      type: dict
      returned: always
    dr_created:
      description: The identifier of this run's copy in the DR region (null in check mode, and when none was made).
      type: str
      returned: with O(dr_region)
    dr_kept:
      description: The rotation's copies of the cluster's snapshots left in the DR region, oldest first.
      type: list
      elements: str
      returned: with O(dr_region)
    dr_pruned:
      description: The copies deleted in the DR region (in check mode, that a real run would delete), sorted.
      type: list
      elements: str
      returned: with O(dr_region)
    dr_reasons:
      description: For each copy in RV(clusters.dr_kept) and RV(clusters.dr_pruned), why.
      type: dict
      returned: with O(dr_region)
now:
  description: The instant the run treated as now, ISO 8601 in UTC.
  returned: always
  type: str
  sample: "2026-11-30T03:00:00+00:00"
"""

from ansible.module_utils.common.warnings import warn

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.graphops.neptune.plugins.module_utils.endpoints import botocore_client
from ansible_collections.graphops.neptune.plugins.module_utils.endpoints import presign_at
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_api import RotationCallError
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_api import connect_region
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_input import build_rotation_request
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_run import Rotation
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

ARGUMENT_SPEC = dict(
    clusters=dict(type="list", elements="str", required=True),
    name=dict(type="str", default="default"),
    keep_last=dict(type="int"),
    max_age_days=dict(type="int"),
    tags=dict(type="dict", default={}),
    dr_region=dict(type="str"),
    dr_kms_key_id=dict(type="str"),
    dr_endpoint_url=dict(type="str"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=1800),
    now=dict(type="str"),
)


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC,
                              required_by={"dr_kms_key_id": ["dr_region"], "dr_endpoint_url": ["dr_region"]},
                              supports_check_mode=True)
    try:
        request = build_rotation_request(module.params, module.region)
    except InvalidInput as error:
        module.fail_json(msg=str(error))

    api = connect_region(module)
    dr_api = None
    if request.dr_region:
        # The DR region's own endpoint (endpoints.py): the module's endpoint_url serves the module's region only.
        dr_api = connect_region(module, request.dr_region, request.dr_endpoint_url)
        if not module.check_mode and (module.params.get("endpoint_url") or request.dr_endpoint_url):
            # The copies' PreSignedUrl names the source (the module's) region's endpoint, as botocore resolved it.
            presign_at(dr_api.client, botocore_client(api.client).meta.endpoint_url)
    rotation = Rotation(request, api, dr_api, check_mode=module.check_mode)
    try:
        result = rotation.run()
    except RotationCallError as error:
        module.fail_json(msg=str(error))
    for skip in rotation.skips():
        # Not module.warn: see neptune_cluster_snapshot (amazon.aws 11 and ansible-core 2.19's deprecation).
        warn(skip)
    if not module._diff:
        del result["diff"]
    result["now"] = request.now.isoformat()
    failures = rotation.failures()
    if failures:
        module.fail_json(msg=f"The rotation failed for {len(failures)} cluster(s); the others were rotated. "
                         + "; ".join(failures), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
