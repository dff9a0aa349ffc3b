#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: neptune_cluster_snapshot_info
version_added: 1.0.0
short_description: List and inspect Amazon Neptune DB cluster snapshots
description:
  - Lists the Amazon Neptune DB cluster snapshots that match the filters, with their tags, oldest first.
  - Returns Neptune snapshots only. The Neptune API shares its endpoint with RDS and DocumentDB and also answers
    with their snapshots; the listing asks for Neptune ones only, and any that come anyway are left out.
  - Returns every snapshot that matches, however many there are.
  - Lists with the C(rds:DescribeDBClusterSnapshots) IAM action, as the Neptune API does.
  - How it reads the listing, the tags and the sharing, and what that costs in calls, is described in
    docs/internals.md in the collection's repository.
author:
  - graphops engineers (@graphops)
options:
  db_cluster_snapshot_identifier:
    description:
      - Only the snapshot with this identifier. Compared case-insensitively.
      - A manual snapshot's identifier is 1 to 63 letters, digits or hyphens; the first a letter; no trailing hyphen;
        no two consecutive hyphens. An automated one is V(rds:) followed by such an identifier, an AWS Backup
        recovery point V(awsbackup:job-) followed by its job ID. A snapshot shared by another account is named by
        its ARN; an automated snapshot's ARN is asked for with its type, as its name is.
      - A snapshot that does not exist gives an empty list, not an error.
    type: str
    aliases: ['id']
  db_cluster_identifier:
    description:
      - Only snapshots taken from this DB cluster. The same rules as for a snapshot identifier apply.
    type: str
    aliases: ['cluster_id']
  snapshot_type:
    description:
      - Only snapshots of this type. Left out, the account's automated and manual snapshots are listed,
        plus the shared and public ones that O(include_shared) and O(include_public) ask for.
    type: str
    choices: ['automated', 'manual', 'shared', 'public']
  include_shared:
    description:
      - Also list manual snapshots that other accounts share with this one.
      - Only without O(snapshot_type) or with O(snapshot_type=shared); with another type it is an error,
        since AWS would ignore it.
    type: bool
    default: false
  include_public:
    description:
      - Also list public snapshots of any account.
      - Only without O(snapshot_type) or with O(snapshot_type=public); with another type it is an error,
        since AWS would ignore it.
    type: bool
    default: false
  tags:
    description:
      - Only snapshots carrying all of these tags, with these values. The snapshots' tags are then returned too,
        whatever O(include_tags) says.
      - Keys and values are checked with the same rules as the tags of M(graphops.neptune.neptune_cluster_snapshot).
    type: dict
  include_tags:
    description:
      - Return each snapshot's tags as RV(db_cluster_snapshots[].tags).
    type: bool
    default: true
  include_shared_accounts:
    description:
      - Return the accounts each snapshot is shared with as RV(db_cluster_snapshots[].shared_accounts).
        This costs one more API call per manual snapshot.
    type: bool
    default: false
notes:
  - Every filter is checked before any call; an invalid one fails the task with a message naming the value and the rule.
  - The tags and sharing of a snapshot that another account shares with this one cannot be read; such a snapshot
    has neither key, and a O(tags) filter leaves it out.
  - The module is in the action group C(graphops.neptune.aws), so C(module_defaults) for
    C(group/graphops.neptune.aws) can set the region, endpoint and credentials for it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode returns the same result.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
  idempotent:
    support: full
    description: The module changes nothing.
"""

EXAMPLES = r"""
- name: The newest snapshot of a cluster, to restore it
  graphops.neptune.neptune_cluster_snapshot_info:
    db_cluster_identifier: graph-prod
  register: graph_snapshots

- name: Restore from it
  ansible.builtin.debug:
    msg: "Restore from {{ (graph_snapshots.db_cluster_snapshots | last).db_cluster_snapshot_identifier }}"
  when: graph_snapshots.db_cluster_snapshots | length > 0

- name: Manual snapshots tagged for pruning, without reading anything else
  graphops.neptune.neptune_cluster_snapshot_info:
    cluster_id: graph-prod
    snapshot_type: manual
    tags:
      retention: short
  register: prunable

- name: Snapshots other accounts share with this one
  graphops.neptune.neptune_cluster_snapshot_info:
    snapshot_type: shared
    include_shared: true

- name: Does this snapshot exist, and who may restore it?
  graphops.neptune.neptune_cluster_snapshot_info:
    id: graph-before-upgrade
    include_shared_accounts: true
  register: one_snapshot
"""

RETURN = r"""
db_cluster_snapshots:
  description:
    - The Neptune snapshots that match, ordered by RV(db_cluster_snapshots[].snapshot_create_time), oldest first;
      snapshots still without a creation time come last.
    - Each is the Neptune API's DBClusterSnapshot in snake_case, as M(graphops.neptune.neptune_cluster_snapshot)
      returns it, plus RV(db_cluster_snapshots[].tags) and RV(db_cluster_snapshots[].shared_accounts).
    - An empty list when no snapshot matches.
  returned: always
  type: list
  elements: dict
  contains:
      availability_zones:
        description: The Availability Zones the snapshot's instances can be restored in.
        returned: when AWS reports it
        type: list
        elements: str
        sample: ["us-east-1a", "us-east-1b"]
      db_cluster_snapshot_identifier:
        description: The snapshot's identifier, lowercase; for a snapshot shared by another account, its ARN.
        returned: always
        type: str
        sample: graph-before-upgrade
      db_cluster_identifier:
        description: The cluster the snapshot was taken from.
        returned: always
        type: str
        sample: graph-prod
      snapshot_create_time:
        description: When the snapshot was taken (ISO 8601).
        returned: when AWS reports it (a snapshot being created may have none yet)
        type: str
        sample: "2026-11-27T12:00:00.000000+00:00"
      engine:
        description: The database engine; always V(neptune).
        returned: always
        type: str
        sample: neptune
      allocated_storage:
        description: The allocated storage in GiB.
        returned: always
        type: int
        sample: 1
      status:
        description: The snapshot's status, such as V(creating), V(copying), V(available) or V(failed).
        returned: always
        type: str
        sample: available
      port:
        description: The port the cluster listened on when the snapshot was taken.
        returned: always
        type: int
        sample: 8182
      vpc_id:
        description: The VPC of the cluster when the snapshot was taken.
        returned: when AWS reports it
        type: str
        sample: vpc-0123456789abcdef0
      cluster_create_time:
        description: When the source cluster was created (ISO 8601).
        returned: always
        type: str
        sample: "2026-11-01T08:00:00.000000+00:00"
      master_username:
        description: The master user name of the source cluster.
        returned: when AWS reports it
        type: str
        sample: admin
      engine_version:
        description: The engine version of the source cluster.
        returned: always
        type: str
        sample: 1.3.2.1
      license_model:
        description: The license model.
        returned: when AWS reports it
        type: str
        sample: amazon-license
      snapshot_type:
        description:
          - The type AWS reports. V(manual) or V(automated) for the account's own snapshots.
          - For AWS Backup's recovery points and snapshots shared with the account, whatever AWS reports (what it
            documents is in docs/aws-fidelity.md in the collection's repository).
        returned: always
        type: str
        sample: manual
      percent_progress:
        description: How far the snapshot has got, in percent.
        returned: always
        type: int
        sample: 100
      storage_encrypted:
        description: Whether the snapshot is encrypted.
        returned: always
        type: bool
        sample: true
      kms_key_id:
        description: The KMS key of an encrypted snapshot.
        returned: when AWS reports it
        type: str
        sample: arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab
      db_cluster_snapshot_arn:
        description: The snapshot's ARN.
        returned: always
        type: str
        sample: arn:aws:rds:us-east-1:123456789012:cluster-snapshot:graph-before-upgrade
      source_db_cluster_snapshot_arn:
        description: For a copy, the ARN of the snapshot it was copied from.
        returned: when AWS reports it
        type: str
        sample: arn:aws:rds:us-west-2:123456789012:cluster-snapshot:graph-nightly
      iam_database_authentication_enabled:
        description: Whether IAM database authentication was enabled on the source cluster.
        returned: when AWS reports it
        type: bool
        sample: false
      storage_type:
        description: The storage type of the source cluster.
        returned: when AWS reports it
        type: str
        sample: standard
      tags:
        description: The snapshot's tags as a dictionary.
        returned: with O(include_tags) or O(tags), for snapshots the account owns
        type: dict
        sample: {"purpose": "pre-upgrade", "owner": "data-platform"}
      shared_accounts:
        description: The account IDs allowed to restore the snapshot, sorted; V(all) when it is public.
        returned: with O(include_shared_accounts), for snapshots the account owns
        type: list
        elements: str
        sample: ["123456789012"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import connect
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import build_listing_request
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import list_snapshots
from ansible_collections.graphops.neptune.plugins.module_utils.statuses import SNAPSHOT_TYPES
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

ARGUMENT_SPEC = dict(
    db_cluster_snapshot_identifier=dict(type="str", aliases=["id"]),
    db_cluster_identifier=dict(type="str", aliases=["cluster_id"]),
    snapshot_type=dict(type="str", choices=list(SNAPSHOT_TYPES)),
    include_shared=dict(type="bool", default=False),
    include_public=dict(type="bool", default=False),
    tags=dict(type="dict"),
    include_tags=dict(type="bool", default=True),
    include_shared_accounts=dict(type="bool", default=False),
)


def main():
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        request = build_listing_request(module.params)
    except InvalidInput as error:
        module.fail_json(msg=str(error))

    try:
        snapshots = list_snapshots(connect(module, listing=True), request)
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)
    module.exit_json(changed=False, db_cluster_snapshots=snapshots)


if __name__ == "__main__":
    main()
