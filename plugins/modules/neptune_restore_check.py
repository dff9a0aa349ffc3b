#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


DOCUMENTATION = r"""
---
module: neptune_restore_check
version_added: 1.1.0
short_description: Check a Neptune DB cluster restored from a snapshot against that snapshot, and optionally its data
description:
  - Reads a restored Neptune DB cluster, its instances and the snapshot it was restored from, and checks that the
    cluster and every instance are V(available) and that the cluster's engine, engine version, encryption and KMS key
    are what a restore of that snapshot gives (with the engine version and key the restore asked for).
  - With O(data_check), also asks the cluster's graph engine, through botocore's C(neptunedata) client at the cluster's
    endpoint, for its status (GetEngineStatus must answer V(healthy)) and, with O(data_check.query), runs an openCypher
    query whose C(results) must equal O(data_check.expected).
  - The task fails when a check fails, naming the first failed check with its expected and actual values, and still
    returns every key of the result (RV(passed), RV(failed_check), RV(checks), RV(seconds), RV(cluster)), so a
    C(block) can read it in C(always) or C(rescue).
  - The module never writes anything.
author:
  - graphops engineers (@graphops)
options:
  db_cluster_identifier:
    description:
      - The restored cluster. 1 to 63 letters, digits or hyphens; the first a letter; no trailing hyphen; no two
        consecutive hyphens. Compared lowercase, as AWS stores it.
      - A cluster that does not exist fails the task, naming it (failed check V(cluster_available)).
    type: str
    required: true
    aliases: ['cluster_id']
  snapshot:
    description:
      - The snapshot the cluster was restored from, as M(graphops.neptune.neptune_cluster_restore) takes it, a manual
        snapshot's identifier, an automated one (V(rds:...)), an AWS Backup recovery point (V(awsbackup:job-...)), or
        a snapshot's ARN (of this region).
      - A snapshot that cannot be found fails the task, naming it, before any check.
    type: str
    required: true
    aliases: ['snapshot_identifier']
  engine_version:
    description:
      - The engine version the restore asked for; by default the snapshot's. The cluster's must equal it exactly.
    type: str
  kms_key_id:
    description:
      - The KMS key the restore asked for; by default the snapshot's. AWS reports a cluster's key as the key's ARN.
      - A key ARN is compared with the cluster's whole. A key ID (or a multi-Region key's V(mrk-...) ID) is compared
        with the key ID at the end of the cluster's key ARN. An alias (V(alias/name) or an alias ARN) is resolved
        to the ARN of the key it names at the time of the check (kms:DescribeKey), which is then compared whole;
        an alias that names no key fails the check.
      - Given, the cluster must be encrypted (AWS encrypts a restore given a key, whatever the snapshot).
    type: str
  data_check:
    description:
      - Checks the data through the cluster's graph engine (botocore's C(neptunedata) client, SigV4-signed for the
        service C(neptune-db)), once the cluster and its instances are available; otherwise its checks fail as
        not run.
      - Adds the check V(engine_status) (GetEngineStatus answers status V(healthy)) and, with O(data_check.query),
        V(query). A call that fails after its retries (throttling is retried) fails its check, with AWS's error as
        the actual value.
      - The controller must reach the endpoint (Neptune serves inside its VPC only).
    type: dict
    suboptions:
      endpoint_url:
        description:
          - The graph engine's URL. By default the cluster's writer endpoint, V(https://<Endpoint>:<Port>).
          - Give another to go through a tunnel or a proxy, or to reach a reader instance.
        type: str
      query:
        description:
          - An openCypher query (ExecuteOpenCypherQuery), such as a count of the nodes (see the examples).
          - It should only read. The IAM action it needs is C(neptune-db:ReadDataViaQuery); a policy granting only
            that makes AWS refuse a query that writes, on a cluster with IAM authentication.
        type: str
      expected:
        description:
          - What the query's C(results) must equal (a list of rows, each a dictionary, as in the examples).
            Required with O(data_check.query).
          - Compared as JSON values, so V(42) equals V(42.0).
        type: raw
notes:
  - "Read calls: DescribeDBClusters, DescribeDBClusterSnapshots, DescribeDBInstances; with a key given as an alias
    kms:DescribeKey; with O(data_check), GetEngineStatus and ExecuteOpenCypherQuery (each retried on throttling)."
  - "IAM permissions: rds:DescribeDBClusters, rds:DescribeDBClusterSnapshots, rds:DescribeDBInstances; kms:DescribeKey
    with O(kms_key_id) given as an alias; with O(data_check) on a cluster with IAM database authentication,
    neptune-db:GetEngineStatus and, with O(data_check.query), neptune-db:ReadDataViaQuery on the cluster
    (arn:aws:neptune-db:<region>:<account>:<cluster resource ID>/*)."
  - The module is in the action group C(graphops.neptune.aws), so C(module_defaults) for
    C(group/graphops.neptune.aws) can set the region, endpoint and credentials for it. O(endpoint_url) is the
    endpoint of the RDS API (the cluster and snapshot reads); O(data_check.endpoint_url) the graph engine's.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Makes the same read calls and reports the same result.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to show.
  idempotent:
    support: full
    description: Reads only.
"""

EXAMPLES = r"""
- name: Check a restored cluster against its snapshot, and that its engine answers and holds the nodes it should
  graphops.neptune.neptune_restore_check:
    db_cluster_identifier: graph-restored
    snapshot: graph-nightly
    data_check:
      query: MATCH (n) RETURN count(n) AS nodes
      expected:
        - nodes: 42
  register: restore_check

- name: Check a cluster restored with another engine version and key, through a tunnel to its endpoint
  graphops.neptune.neptune_restore_check:
    cluster_id: graph-investigation
    snapshot: rds:graph-prod-2026-11-27-03-00
    engine_version: 1.3.2.1
    kms_key_id: arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab
    data_check:
      endpoint_url: https://localhost:8182
"""

RETURN = r"""
passed:
  description: Whether every check passed.
  returned: always
  type: bool
  sample: false
failed_check:
  description:
    - The name of the first failed check (in the order of RV(checks)); null when every check passed, or when the
      snapshot was not found (no check was made).
  returned: always
  type: str
  sample: query
checks:
  description:
    - The checks made, in this order, V(cluster_available), V(instances_available), V(engine), V(engine_version),
      V(storage_encrypted), V(kms_key_id), and with O(data_check) V(engine_status) and, with a query, V(query).
    - For a cluster that does not exist, V(cluster_available) only; for a snapshot not found, none.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The check's name.
      returned: always
      type: str
      sample: engine_version
    passed:
      description: Whether the check passed.
      returned: always
      type: bool
      sample: true
    expected:
      description:
        - What the check expected. For V(instances_available), V(available) (every instance, and at least one).
        - For V(kms_key_id) given as an alias, the key ARN the alias named (null when it named none).
      returned: always
      type: raw
      sample: 1.3.2.1
    actual:
      description:
        - What the cluster, its instances or its engine gave. For V(instances_available), each instance's status by
          identifier. For a data check that could not be made, V(not run...) or V(error...) with AWS's error.
      returned: always
      type: raw
      sample: 1.3.2.1
  sample: [{"name": "cluster_available", "passed": true, "expected": "available", "actual": "available"},
           {"name": "instances_available", "passed": true, "expected": "available",
            "actual": {"graph-restored-1": "available"}}]
seconds:
  description: The seconds the checks took, reads included.
  returned: always
  type: float
  sample: 1.234
cluster:
  description: The cluster's facts (each null when AWS does not report it, or when the cluster does not exist).
  returned: always
  type: dict
  contains:
    db_cluster_identifier:
      description: The cluster's identifier.
      returned: always
      type: str
      sample: graph-restored
    status:
      description: The cluster's status.
      returned: always
      type: str
      sample: available
    engine:
      description: The cluster's engine.
      returned: always
      type: str
      sample: neptune
    engine_version:
      description: The cluster's engine version.
      returned: always
      type: str
      sample: 1.3.2.1
    storage_encrypted:
      description: Whether the cluster is encrypted.
      returned: always
      type: bool
      sample: true
    kms_key_id:
      description: The ARN of the cluster's KMS key; null when the cluster is not encrypted.
      returned: always
      type: str
      sample: arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab
    endpoint:
      description: The cluster's writer endpoint.
      returned: always
      type: str
      sample: graph-restored.cluster-c0ffee.us-east-1.neptune.amazonaws.com
    port:
      description: The port the cluster listens on.
      returned: always
      type: int
      sample: 8182
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.graphops.neptune.plugins.module_utils.data_check_api import connect_data
from ansible_collections.graphops.neptune.plugins.module_utils.restore_api import NeptuneRestoreApi
from ansible_collections.graphops.neptune.plugins.module_utils.restore_check import build_check_request
from ansible_collections.graphops.neptune.plugins.module_utils.restore_check import failure_message
from ansible_collections.graphops.neptune.plugins.module_utils.restore_check_run import CheckRefused
from ansible_collections.graphops.neptune.plugins.module_utils.restore_check_run import check_restore
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import module_client
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

ARGUMENT_SPEC = dict(
    db_cluster_identifier=dict(type="str", required=True, aliases=["cluster_id"]),
    snapshot=dict(type="str", required=True, aliases=["snapshot_identifier"]),
    engine_version=dict(type="str"),
    kms_key_id=dict(type="str"),
    data_check=dict(type="dict", options=dict(
        endpoint_url=dict(type="str"),
        query=dict(type="str"),
        expected=dict(type="raw"),
    )),
)


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        request = build_check_request(module.params, module.region)
    except InvalidInput as error:
        module.fail_json(msg=str(error))

    api = NeptuneRestoreApi(module_client(module, "neptune"))
    try:
        result = check_restore(api, request, lambda url: connect_data(module, url), lambda: module_client(module, "kms"))
    except CheckRefused as error:
        module.fail_json(msg=str(error), **error.result)
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)

    if not result["passed"]:
        module.fail_json(msg=failure_message(request, result["checks"]), **result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
