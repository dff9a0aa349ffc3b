#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


DOCUMENTATION = r"""
---
module: neptune_restore_drill_report
version_added: 1.1.0
short_description: Report a Neptune restore drill - what it left behind, its phases' seconds, passed or the failed step
description:
  - The last step of the role R(graphops.neptune.restore_drill,ansible_collections.graphops.neptune.restore_drill_role),
    after the teardown; usable on its own.
  - Lists every Neptune cluster and instance carrying the tag C(graphops.neptune/drill) (one paged DescribeDBClusters
    and one paged DescribeDBInstances, through an C(rds) client, whose model keeps the tags), and builds the drill's
    result from the registered results of the restore (M(graphops.neptune.neptune_cluster_restore)), the check
    (M(graphops.neptune.neptune_restore_check)) and the teardown.
  - The drill passed when the restore, the check and the teardown succeeded and nothing of the drill cluster carries
    the drill tag any more, and the sweep deleted every old drill cluster. Otherwise RV(result.failed_step) names the
    first step that failed - V(sweep), V(restore) (the cluster), V(instance), V(check) (and RV(result.failed_check)
    the check), V(teardown) or V(left_behind).
  - The module itself does not fail on a failed drill; the role does, with RV(summary).
author:
  - graphops engineers (@graphops)
options:
  drill_cluster:
    description: The drill cluster's identifier.
    type: str
    required: true
  snapshot:
    description: The snapshot the drill restored.
    type: str
    required: true
  source_cluster:
    description: The cluster the snapshot was taken of.
    type: str
  chosen_at:
    description: When the snapshot was chosen (ISO 8601), the start of RV(result.time_to_restore).
    type: str
  served_at:
    description: When the restore task ended with the cluster and its instance available (ISO 8601).
    type: str
  restore:
    description: The registered result of the restore task (empty when it did not run).
    type: dict
    default: {}
  check:
    description: The registered result of the check task (empty when it did not run).
    type: dict
    default: {}
  teardown:
    description: The registered result of the teardown task (empty when it did not run).
    type: dict
    default: {}
  swept:
    description: The drill clusters the sweep deleted (the prepare step's RV(result.swept)), reported as they are.
    type: list
    elements: dict
    default: []
  sweep_failed:
    description:
      - The drill clusters the sweep could not delete, and why (the prepare step's C(sweep_failed)). Any fails the
        drill at the step V(sweep), after the drill itself ran.
    type: dict
    default: {}
  results_file:
    description:
      - Append the result as one line of JSON to this file (made if missing), to chart time-to-restore over weeks.
      - Not written in check mode.
    type: path
notes:
  - "IAM permissions: rds:DescribeDBClusters, rds:DescribeDBInstances."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Reads only; the results file is not written.
  diff_mode:
    support: none
    description: No diff is returned.
  idempotent:
    support: none
    description: Each run appends a line to O(results_file), when given.
"""

EXAMPLES = r"""
- name: Report the drill
  graphops.neptune.neptune_restore_drill_report:
    drill_cluster: "{{ prepared.drill_cluster }}"
    snapshot: "{{ prepared.snapshot.db_cluster_snapshot_identifier }}"
    chosen_at: "{{ prepared.chosen_at }}"
    restore: "{{ restored | default({}) }}"
    check: "{{ checked | default({}) }}"
    teardown: "{{ torn_down | default({}) }}"
    results_file: /var/log/neptune-drills.jsonl
  register: report
"""

RETURN = r"""
result:
  description: The drill's result (the role's C(restore_drill_result)).
  returned: always
  type: dict
  contains:
    snapshot:
      description: The snapshot restored.
      type: str
      returned: always
      sample: graph-prod-nightly-20261202-030000
    source_cluster:
      description: The cluster the snapshot was taken of.
      type: str
      returned: always
      sample: graph-prod
    cluster:
      description: The drill cluster.
      type: str
      returned: always
      sample: graph-prod-drill-20261202-040000
    started_at:
      description: When the snapshot was chosen.
      type: str
      returned: always
      sample: "2026-12-02T04:00:01.250000Z"
    passed:
      description: Whether every step passed and nothing of the drill is left.
      type: bool
      returned: always
      sample: true
    check_mode:
      description: Whether the drill ran in check mode (then nothing was restored).
      type: bool
      returned: always
      sample: false
    failed_step:
      description: The first step that failed (V(sweep), V(restore), V(instance), V(check), V(teardown),
        V(left_behind)), or null.
      type: str
      returned: always
      sample: check
    failed_check:
      description: The check that failed, when the step is V(check) (null otherwise).
      type: str
      returned: always
      sample: query
    failures:
      description: Every step that failed, in order, with its message.
      type: list
      elements: dict
      returned: always
      sample: [{"step": "check", "msg": "check 'query' failed: expected 42, got 0"}]
    seconds:
      description: The seconds of each phase (V(restore), V(instance), V(check), V(teardown)); null when it did not
        run.
      type: dict
      returned: always
      sample: {"restore": 812.4, "instance": 605.1, "check": 1.2, "teardown": 310.0}
    time_to_restore:
      description: Seconds from the snapshot chosen to the cluster serving; null when it did not serve.
      type: float
      returned: always
      sample: 1425.3
    checks:
      description: The checks of the check task, as it returned them.
      type: list
      elements: dict
      returned: always
      sample: [{"name": "cluster_available", "passed": true, "expected": "available", "actual": "available"}]
    swept:
      description: The drill clusters an earlier run left behind that the sweep deleted, with their age in minutes.
      type: list
      elements: dict
      returned: always
      sample: [{"identifier": "graph-prod-drill-20261125-040000", "minutes": 10080.0}]
    left_behind:
      description: Every cluster and instance carrying the drill tag after the teardown (any drill's); must be empty.
      type: list
      elements: dict
      returned: always
      sample: []
summary:
  description: One sentence - passed, or the step that failed and why.
  returned: always
  type: str
  sample: Restore drill of snapshot 'graph-nightly' into 'graph-drill-20261202-040000' failed at step 'check' (check 'query')
"""

import os

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.graphops.neptune.plugins.module_utils.drill_api import list_clusters
from ansible_collections.graphops.neptune.plugins.module_utils.drill_api import list_instances
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import build_report
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import drill_resources
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import json_line
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import summary
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import module_client

ARGUMENT_SPEC = dict(
    drill_cluster=dict(type="str", required=True),
    snapshot=dict(type="str", required=True),
    source_cluster=dict(type="str"),
    chosen_at=dict(type="str"),
    served_at=dict(type="str"),
    restore=dict(type="dict", default={}),
    check=dict(type="dict", default={}),
    teardown=dict(type="dict", default={}),
    swept=dict(type="list", elements="dict", default=[]),
    sweep_failed=dict(type="dict", default={}),
    results_file=dict(type="path"),
)


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    listing = module_client(module, "rds")
    left_behind, listing_error = [], None
    try:
        left_behind = drill_resources(list_clusters(listing), list_instances(listing))
    except AnsibleAWSError as error:
        listing_error = str(error)
    report = build_report(module.params, left_behind, listing_error, check_mode=module.check_mode)
    changed = False
    if module.params["results_file"] and not module.check_mode:
        with open(module.params["results_file"], "a", encoding="utf-8") as results:
            results.write(json_line(report) + os.linesep)
        changed = True
    module.exit_json(changed=changed, result=report, summary=summary(report))


if __name__ == "__main__":
    main()
