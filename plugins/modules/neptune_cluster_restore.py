#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


DOCUMENTATION = r"""
---
module: neptune_cluster_restore
version_added: 1.1.0
short_description: Restore an Amazon Neptune DB cluster from a snapshot, with its instances, and tear it down
description:
  - Makes sure a Neptune DB cluster restored from a snapshot exists and serves (O(state=present)), or that a cluster
    this module restored is gone (O(state=absent)).
  - A restore takes two AWS calls of different kinds, RestoreDBClusterFromSnapshot (a cluster with no instance) and
    CreateDBInstance (one for each instance, once the cluster is available); the module makes both and waits until
    the cluster and its instances are available, polling every 5 seconds within O(wait_timeout).
  - The module tags the cluster and its instances V(graphops.neptune/restored-from) with the snapshot. A cluster of
    the name that lacks that tag, or that was restored from another snapshot, is refused, whatever O(state) asks.
  - An identical re-run makes three read calls (the cluster, its tags, its instances) and changes nothing. One that
    finds fewer instances than O(instance_count) adds the missing ones; other differences from the task's options
    (port, security groups...) are not reconciled.
author:
  - graphops engineers (@graphops)
options:
  db_cluster_identifier:
    description:
      - The cluster to restore into (or to delete). 1 to 63 letters, digits or hyphens; the first a letter; no
        trailing hyphen; no two consecutive hyphens. Stored lowercase by AWS, and compared so.
      - Its instances are named V(<db_cluster_identifier>-1), V(<db_cluster_identifier>-2)..., so the identifier
        leaves room for the suffix (the instances' names follow the same rule).
    type: str
    required: true
    aliases: ['cluster_id']
  snapshot:
    description:
      - The Neptune DB cluster snapshot to restore, in the module's region. Required with O(state=present).
      - A manual snapshot's identifier (V(graph-nightly)), an automated one (V(rds:graph-prod-2026-11-27-03-00)),
        an AWS Backup recovery point (V(awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453)), or the ARN of a
        snapshot, such as one another account shares
        (V(arn:aws:rds:us-east-1:123456789012:cluster-snapshot:graph-nightly)).
      - The snapshot must be a V(neptune) snapshot and V(available); otherwise the task fails before the restore.
      - It is the value of the V(graphops.neptune/restored-from) tag, as given (an identifier lowercased), so a
        re-run must name the snapshot the same way. An automated snapshot's V(rds:) becomes V(automated:) there,
        as AWS refuses tag values starting with V(rds:).
    type: str
    aliases: ['snapshot_identifier']
  state:
    description:
      - V(present) restores the cluster and its instances; V(absent) deletes the instances, then the cluster.
      - With V(absent), a cluster that does not exist is not an error; one the module did not restore is refused.
    type: str
    choices: ['present', 'absent']
    default: present
  instance_count:
    description:
      - How many instances the cluster has, 0 to 16 (one primary and up to 15 read replicas).
      - Instances beyond this number are never removed.
    type: int
    default: 1
  instance_class:
    description:
      - The instances' class, V(db.serverless) (then O(serverless_v2_scaling) is required) or a provisioned class
        such as V(db.r6g.large). Required when O(instance_count) is more than 0.
    type: str
  engine_version:
    description: The engine version of the restored cluster; by default the snapshot's.
    type: str
  port:
    description: The port the cluster listens on (1150 to 65535); by default the snapshot's (Neptune's is 8182).
    type: int
  db_subnet_group_name:
    description: The DB subnet group of the restored cluster (its VPC).
    type: str
  vpc_security_group_ids:
    description: The VPC security groups of the restored cluster.
    type: list
    elements: str
  kms_key_id:
    description:
      - The KMS key to encrypt the restored cluster with (ID, ARN or alias). An encrypted snapshot is restored with
        its own key when this is left out.
    type: str
  enable_iam_database_authentication:
    description: Turn IAM database authentication on or off; by default AWS's default (off).
    type: bool
  deletion_protection:
    description:
      - Deletion protection of the restored cluster. Always sent, so the protection of the cluster the snapshot was
        taken from never carries over.
      - O(state=absent) turns it off (ModifyDBCluster) before deleting a cluster this module restored.
    type: bool
    default: false
  serverless_v2_scaling:
    description: The capacity range of a serverless cluster, in Neptune capacity units (1 to 128, half steps).
    type: dict
    suboptions:
      min_capacity:
        description: The least capacity.
        type: float
        required: true
      max_capacity:
        description: The most capacity.
        type: float
        required: true
  tags:
    description:
      - Tags of the restored cluster and its instances, beside V(graphops.neptune/restored-from), which the module
        sets (and which O(tags) cannot name). Given at the restore only; the tags of an existing cluster are left as
        they are.
    type: dict
    aliases: ['resource_tags']
  skip_final_snapshot:
    description:
      - With O(state=absent), delete the cluster without a final snapshot. O(state=absent) needs this set to
        V(true), or O(final_snapshot_identifier); the module never guesses what becomes of the data.
    type: bool
  final_snapshot_identifier:
    description: With O(state=absent), the name of the final snapshot AWS takes before deleting the cluster.
    type: str
  wait:
    description:
      - Wait until the cluster and its instances are V(available) (O(state=present), also when an earlier run left
        them on their way), or until the cluster is gone (O(state=absent), also when an earlier run left it
        V(deleting)), polling every 5 seconds.
      - A cluster or instance just made that a read does not show yet is waited for; missing from three reads in a
        row, it is gone.
      - AWS adds instances to an available cluster only, so a restore with instances waits for the cluster whatever
        this says.
      - A cluster or instance in a status it does not leave by itself (such as V(failed), V(stopped) or
        V(incompatible-*)), or one not there by O(wait_timeout), fails the task, naming the status.
      - Check mode never waits.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds the task may wait in all (at least 60). Restores of real data take tens of minutes.
      - Every wait and every retry of a busy cluster draws on this one budget; RV(waits) says how it was spent.
    type: int
    default: 5400
notes:
  - Check mode makes read calls only and returns the predicted cluster (from the snapshot and the options) and
    instances; facts AWS decides (endpoints, status) are left out.
  - Diff mode shows whether the cluster exists, the snapshot it was restored from, its instances and its tags.
  - The module is in the action group C(graphops.neptune.aws), so C(module_defaults) for
    C(group/graphops.neptune.aws) can set the region, endpoint and credentials for it.
  - "IAM permissions: rds:DescribeDBClusters, rds:DescribeDBClusterSnapshots, rds:DescribeDBInstances, rds:ListTagsForResource,
    rds:RestoreDBClusterFromSnapshot, rds:CreateDBInstance, rds:AddTagsToResource; with O(state=absent)
    rds:DeleteDBInstance, rds:DeleteDBCluster, rds:ModifyDBCluster; KMS permissions on the key of an encrypted
    snapshot."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Makes read calls only, and reports the same C(changed) and the predicted facts.
  diff_mode:
    support: full
    description: Returns the cluster's existence, snapshot, instances and tags before and after.
  idempotent:
    support: full
    description: An identical re-run changes nothing.
"""

EXAMPLES = r"""
- name: Restore last night's snapshot into a cluster with one serverless instance, and wait until it serves
  graphops.neptune.neptune_cluster_restore:
    db_cluster_identifier: graph-restored
    snapshot: graph-nightly
    instance_class: db.serverless
    serverless_v2_scaling:
      min_capacity: 1
      max_capacity: 8
    db_subnet_group_name: neptune-private
    vpc_security_group_ids:
      - sg-0123456789abcdef0
    tags:
      purpose: restore-test
  register: restored

- name: Restore an automated snapshot with two provisioned instances, within an hour
  graphops.neptune.neptune_cluster_restore:
    cluster_id: graph-investigation
    snapshot: rds:graph-prod-2026-11-27-03-00
    instance_count: 2
    instance_class: db.r6g.large
    wait_timeout: 3600

- name: Tear the restored cluster down (it must be one this module restored)
  graphops.neptune.neptune_cluster_restore:
    db_cluster_identifier: graph-restored
    state: absent
    skip_final_snapshot: true
"""

RETURN = r"""
cluster:
  description:
    - The cluster's facts, as the Neptune API's DBCluster in snake_case, plus RV(cluster.tags).
    - In check mode, the facts predicted from the snapshot and the options; after a delete, the facts as they were
      before it; when there is no cluster, an empty dictionary.
  returned: always
  type: dict
  contains:
    db_cluster_identifier:
      description: The cluster's identifier.
      returned: when the cluster exists or is about to
      type: str
      sample: graph-restored
    endpoint:
      description: The cluster's (writer) endpoint.
      returned: when AWS reports it
      type: str
      sample: graph-restored.cluster-c0ffee.us-east-1.neptune.amazonaws.com
    reader_endpoint:
      description: The cluster's reader endpoint.
      returned: when AWS reports it
      type: str
      sample: graph-restored.cluster-ro-c0ffee.us-east-1.neptune.amazonaws.com
    port:
      description: The port the cluster listens on.
      returned: when the cluster exists or is about to
      type: int
      sample: 8182
    status:
      description: The cluster's status, such as V(creating) or V(available).
      returned: when the cluster exists
      type: str
      sample: available
    engine:
      description: Always V(neptune).
      returned: when the cluster exists or is about to
      type: str
      sample: neptune
    engine_version:
      description: The engine version.
      returned: when the cluster exists or is about to
      type: str
      sample: 1.3.2.1
    storage_encrypted:
      description: Whether the cluster is encrypted.
      returned: when the cluster exists or is about to
      type: bool
      sample: true
    kms_key_id:
      description: The KMS key of an encrypted cluster.
      returned: when AWS reports it
      type: str
      sample: arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab
    deletion_protection:
      description: Whether deletion protection is on.
      returned: when the cluster exists or is about to
      type: bool
      sample: false
    tags:
      description: The cluster's tags, with V(graphops.neptune/restored-from).
      returned: when the cluster exists or is about to
      type: dict
      sample: {"graphops.neptune/restored-from": "graph-nightly", "purpose": "restore-test"}
instances:
  description: The cluster's instances, as the Neptune API's DBInstance in snake_case (predicted in check mode).
  returned: always
  type: list
  elements: dict
  sample: [{"db_instance_identifier": "graph-restored-1", "db_instance_class": "db.serverless",
            "db_instance_status": "available", "endpoint": {"address": "graph-restored-1.c0ffee.us-east-1.neptune.amazonaws.com", "port": 8182}}]
waits:
  description:
    - The seconds each wait took, by what was waited for (V(cluster), V(instances)); none when nothing was waited for.
  returned: always
  type: dict
  sample: {"cluster": 812.4, "instances": 605.1}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.graphops.neptune.plugins.module_utils.module_exit import exit_with
from ansible_collections.graphops.neptune.plugins.module_utils.restore_api import NeptuneRestoreApi
from ansible_collections.graphops.neptune.plugins.module_utils.restore_request import DEFAULT_WAIT_TIMEOUT
from ansible_collections.graphops.neptune.plugins.module_utils.restore_request import build_request
from ansible_collections.graphops.neptune.plugins.module_utils.restore_run import ensure_restore
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import module_client
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

ARGUMENT_SPEC = dict(
    db_cluster_identifier=dict(type="str", required=True, aliases=["cluster_id"]),
    snapshot=dict(type="str", aliases=["snapshot_identifier"]),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    instance_count=dict(type="int", default=1),
    instance_class=dict(type="str"),
    engine_version=dict(type="str"),
    port=dict(type="int"),
    db_subnet_group_name=dict(type="str"),
    vpc_security_group_ids=dict(type="list", elements="str"),
    kms_key_id=dict(type="str"),
    enable_iam_database_authentication=dict(type="bool"),
    deletion_protection=dict(type="bool", default=False),
    serverless_v2_scaling=dict(type="dict", options=dict(
        min_capacity=dict(type="float", required=True),
        max_capacity=dict(type="float", required=True),
    )),
    tags=dict(type="dict", aliases=["resource_tags"]),
    skip_final_snapshot=dict(type="bool"),
    final_snapshot_identifier=dict(type="str"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=DEFAULT_WAIT_TIMEOUT),
)


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        request = build_request(module.params, module.region)
    except InvalidInput as error:
        module.fail_json(msg=str(error))

    api = NeptuneRestoreApi(module_client(module, "neptune"))
    exit_with(module, ensure_restore, api, request, check_mode=module.check_mode)


if __name__ == "__main__":
    main()
