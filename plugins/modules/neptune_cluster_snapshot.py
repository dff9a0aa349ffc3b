#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: neptune_cluster_snapshot
version_added: 1.0.0
short_description: Create, copy, tag, share, wait for and delete Amazon Neptune DB cluster snapshots
description:
  - Makes sure a manual Amazon Neptune DB cluster snapshot exists with the given tags and sharing, or does not exist.
  - Checks for the snapshot first; creates it from a cluster, or copies it from another snapshot (also from another
    region, with a KMS key), with its tags, only when it is absent. An identical re-run changes nothing.
  - The calls it makes, how it waits and retries, and what it relies on in botocore are described in
    docs/internals.md in the collection's repository.
  - Manages Neptune only. The Neptune API shares its endpoint with RDS and DocumentDB, so their clusters and
    snapshots are visible to it; the module refuses to snapshot them, change them or delete them.
  - Never deletes automated snapshots, and never touches a snapshot taken from another cluster than O(db_cluster_identifier).
author:
  - graphops engineers (@graphops)
options:
  db_cluster_snapshot_identifier:
    description:
      - The snapshot's identifier. 1 to 63 letters, digits or hyphens; the first a letter; no trailing hyphen;
        no two consecutive hyphens.
      - AWS stores identifiers lowercase, so it is compared case-insensitively and returned lowercase.
      - Names AWS makes itself are refused, those of automated snapshots (V(rds:...)) and of AWS Backup recovery
        points (V(awsbackup:job-...)), which AWS Backup owns. Both can be copied with
        O(source_db_cluster_snapshot_identifier).
    type: str
    required: true
    aliases: ['id', 'snapshot_id', 'snapshot_name']
  db_cluster_identifier:
    description:
      - The Neptune DB cluster to snapshot. Required to create a snapshot.
      - When the cluster copies its tags to snapshots (C(CopyTagsToSnapshot)), a new snapshot starts with the
        cluster's tags and O(tags) then apply as usual.
      - A cluster in a status it does not leave by itself (such as V(stopped) or V(migration-failed)) is refused at
        once; one busy in a status that passes by itself (such as V(backing-up) or V(modifying)) is retried until
        O(wait_timeout). The full lists are in docs/aws-fidelity.md in the collection's repository.
      - When the snapshot exists and was taken from another cluster, the task fails and changes nothing,
        with O(state=present) and O(state=absent) alike.
    type: str
    aliases: ['cluster_id']
  source_db_cluster_snapshot_identifier:
    description:
      - Make the snapshot, when it does not exist, by copying this snapshot instead of snapshotting a cluster.
      - The identifier of a snapshot in this region, such as V(graph-nightly), an automated V(rds:graph-2026-11-27-03-00)
        or an AWS Backup recovery point V(awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453),
        or the ARN of a snapshot in another region or account,
        such as V(arn:aws:rds:us-west-2:123456789012:cluster-snapshot:graph-nightly).
      - The source must be a Neptune snapshot and V(available); otherwise the task fails before the copy.
      - When the snapshot exists and reports another source snapshot, the task fails and changes nothing.
      - Mutually exclusive with O(db_cluster_identifier).
    type: str
    aliases: ['source_id']
  source_region:
    description:
      - The region of the source snapshot, for a cross-region copy.
      - Defaults to the region in the source's ARN; when both are given they must agree. Requires
        O(source_db_cluster_snapshot_identifier).
      - The source is read in its own region, through O(source_endpoint_url) or AWS's regional endpoint; with
        O(endpoint_url) set, O(source_endpoint_url) is required (see there).
    type: str
  source_endpoint_url:
    description:
      - The endpoint of the source snapshot's region, for a copy from another region. Needed when O(endpoint_url)
        is set (a VPC interface endpoint, a FIPS endpoint, a proxy), since an endpoint serves one region only, and AWS
        refuses a request signed for another region than its endpoint's.
      - The source is then read at this endpoint, signed for the source region, and the presigned URL botocore
        adds to the copy names it; the copy itself is made at O(endpoint_url), signed for the module's region.
      - With O(endpoint_url) set and this left out, a copy from another region is refused before any AWS call.
        Give the same URL as O(endpoint_url) only if that endpoint serves both regions.
      - Without either, each region's calls go to AWS's regional endpoints, as botocore picks them.
      - Ignored, with a warning, for a source in the module's region and with O(state=absent). Requires
        O(source_db_cluster_snapshot_identifier).
    type: str
    version_added: 1.1.0
  kms_key_id:
    description:
      - The KMS key (ID, ARN or alias of this region) to encrypt the copy with. Requires
        O(source_db_cluster_snapshot_identifier).
      - Required to copy an encrypted snapshot across regions, or one shared from another account; such a copy
        without it is refused and nothing is copied.
      - Refused for an unencrypted source, which cannot be encrypted by copying it.
    type: str
  copy_tags:
    description:
      - Give a new copy the tags of its source. O(tags) then apply as usual, so with O(purge_tags=true) and O(tags)
        given the copy ends with exactly O(tags).
      - Check mode cannot predict the tags of a source given as an ARN.
      - Only used when the copy is made; an existing snapshot's tags are reconciled with O(tags) like any other.
    type: bool
    default: false
  shared_accounts:
    description:
      - The AWS accounts (12-digit IDs) allowed to restore the snapshot (its V(restore) attribute).
      - V(all) makes the snapshot public; it is refused unless O(allow_public=true), and always for encrypted snapshots.
      - At most 20 accounts. When left out, the sharing is left alone; V([]) with O(purge_shared_accounts=true) stops
        sharing with every account.
      - AWS shares available snapshots only, so sharing a new snapshot waits until it is available, whatever O(wait)
        says (up to O(wait_timeout)).
    type: list
    elements: str
  purge_shared_accounts:
    description:
      - Stop sharing with accounts not in O(shared_accounts). Has no effect when O(shared_accounts) is left out.
    type: bool
    default: true
  allow_public:
    description:
      - Allow V(all) in O(shared_accounts), which lets every AWS account restore the snapshot.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the snapshot exists; V(absent) deletes it if it is a manual Neptune snapshot.
      - With V(absent), a snapshot that does not exist is not an error. O(tags), O(shared_accounts),
        O(kms_key_id), O(copy_tags), O(source_region), O(source_endpoint_url) and O(allow_public) do not apply to a delete and get a
        warning when given; O(source_db_cluster_snapshot_identifier) only guards it (a snapshot AWS reports as
        copied from another source is left alone), and is warned about too.
    type: str
    choices: ['present', 'absent']
    default: present
  wait:
    description:
      - Wait until the snapshot is V(available) (O(state=present)) or gone (O(state=absent)).
      - A run that finds the snapshot still being created waits for it too. With O(state=absent), a snapshot still
        being created is waited for until it is available, since AWS deletes only available snapshots; one being
        copied is deleted at once, which cancels the copy; one already being deleted is left to finish.
      - With O(state=present), a snapshot AWS reports V(deleting) is about to vanish. Without O(wait) the task
        fails, naming the status (re-run it once the snapshot is gone); with O(wait) the module waits until it is
        gone, then creates it as asked.
      - Check mode never waits.
      - A snapshot that turns V(failed) (or another status it cannot become available from), or that is not
        there by O(wait_timeout), fails the task with its last status and progress.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait with O(wait=true).
      - Also how long a busy cluster is retried on create, and how long sharing a new snapshot waits for it,
        whatever O(wait) says. These share the one budget, so a task ends within about O(wait_timeout).
    type: int
    default: 1200
notes:
  - Check mode makes read calls only and returns the facts the snapshot is predicted to have.
  - Diff mode shows whether the snapshot exists, its identifier, its cluster, its tags and (when managed) the
    accounts it is shared with, before and after. With O(state=absent) the diff's C(before) has no C(tags).
  - "Tag keys and values are checked before any call by AWS's own rule: keys of 1 to 128 and values of 0 to 256
    characters, neither starting with V(aws:) or V(rds:), of Unicode letters, numbers and spaces and V(_ . : / = + - @)."
  - The module is in the action group C(graphops.neptune.aws), so C(module_defaults) for
    C(group/graphops.neptune.aws) can set the region, endpoint and credentials for it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Makes read calls only, and reports the same C(changed) and the predicted facts.
  diff_mode:
    support: full
    description: Returns the snapshot's existence, identifiers and tags before and after.
  idempotent:
    support: full
    description: An identical re-run changes nothing.
"""

EXAMPLES = r"""
- name: Snapshot a Neptune cluster with tags and wait until it is available
  graphops.neptune.neptune_cluster_snapshot:
    db_cluster_snapshot_identifier: graph-before-upgrade
    db_cluster_identifier: graph-prod
    tags:
      purpose: pre-upgrade
      owner: data-platform
    wait: true
    wait_timeout: 1800

- name: Replace the snapshot's tags with exactly these
  graphops.neptune.neptune_cluster_snapshot:
    id: graph-before-upgrade
    tags:
      purpose: keep
    purge_tags: true

- name: Remove every tag (tags left out would leave them alone)
  graphops.neptune.neptune_cluster_snapshot:
    id: graph-before-upgrade
    tags: {}

- name: Delete the manual snapshot and wait until it is gone
  graphops.neptune.neptune_cluster_snapshot:
    id: graph-before-upgrade
    cluster_id: graph-prod
    state: absent
    wait: true

- name: Keep a copy of the nightly snapshot in another region, encrypted with a key of this region
  graphops.neptune.neptune_cluster_snapshot:
    region: eu-west-1
    id: graph-nightly-dr
    source_db_cluster_snapshot_identifier: arn:aws:rds:us-east-1:123456789012:cluster-snapshot:graph-nightly
    kms_key_id: alias/neptune-dr
    copy_tags: true
    wait: true

- name: Share the copy with the backup account only
  graphops.neptune.neptune_cluster_snapshot:
    region: eu-west-1
    id: graph-nightly-dr
    shared_accounts:
      - "210987654321"

- name: Settings for every module of the collection
  module_defaults:
    group/graphops.neptune.aws:
      region: eu-west-1
  block:
    - name: Snapshot before maintenance
      graphops.neptune.neptune_cluster_snapshot:
        id: graph-nightly
        cluster_id: graph-prod
"""

RETURN = r"""
db_cluster_snapshot:
  description:
    - The snapshot's facts, as the Neptune API's DBClusterSnapshot in snake_case, plus O(tags) as a dictionary.
    - After a delete, the facts as they were before it; when there is no snapshot, an empty dictionary.
    - In check mode, the facts predicted from the request and the cluster; keys that cannot be known before
      AWS creates the snapshot (such as RV(db_cluster_snapshot.status)) are left out.
  returned: always
  type: dict
  contains:
    availability_zones:
      description: The Availability Zones the snapshot's instances can be restored in.
      returned: when AWS reports it
      type: list
      elements: str
      sample: ["us-east-1a", "us-east-1b"]
    db_cluster_snapshot_identifier:
      description: The snapshot's identifier, lowercase.
      returned: when the snapshot exists or is about to
      type: str
      sample: graph-before-upgrade
    db_cluster_identifier:
      description: The cluster the snapshot was taken from.
      returned: when the snapshot exists or is about to
      type: str
      sample: graph-prod
    snapshot_create_time:
      description: When the snapshot was taken (ISO 8601).
      returned: when the snapshot exists
      type: str
      sample: "2026-11-27T12:00:00.000000+00:00"
    engine:
      description: The database engine; always V(neptune) for snapshots this module manages.
      returned: when the snapshot exists or is about to
      type: str
      sample: neptune
    allocated_storage:
      description: The allocated storage in GiB.
      returned: when the snapshot exists
      type: int
      sample: 1
    status:
      description: The snapshot's status, such as V(creating), V(copying), V(available) or V(failed).
      returned: when the snapshot exists
      type: str
      sample: available
    port:
      description: The port the cluster listened on when the snapshot was taken.
      returned: when the snapshot exists or is about to
      type: int
      sample: 8182
    vpc_id:
      description: The VPC of the cluster when the snapshot was taken.
      returned: when AWS reports it
      type: str
      sample: vpc-0123456789abcdef0
    cluster_create_time:
      description: When the source cluster was created (ISO 8601).
      returned: when the snapshot exists or is about to
      type: str
      sample: "2026-11-01T08:00:00.000000+00:00"
    master_username:
      description: The master user name of the source cluster.
      returned: when AWS reports it
      type: str
      sample: admin
    engine_version:
      description: The engine version of the source cluster.
      returned: when the snapshot exists or is about to
      type: str
      sample: 1.3.2.1
    license_model:
      description: The license model.
      returned: when AWS reports it
      type: str
      sample: amazon-license
    snapshot_type:
      description: V(manual) for snapshots this module creates; V(automated) for those AWS takes.
      returned: when the snapshot exists or is about to
      type: str
      sample: manual
    percent_progress:
      description: How far the snapshot has got, in percent.
      returned: when the snapshot exists
      type: int
      sample: 100
    storage_encrypted:
      description: Whether the snapshot is encrypted.
      returned: when the snapshot exists or is about to
      type: bool
      sample: true
    kms_key_id:
      description:
        - The KMS key of an encrypted snapshot, as AWS reports it (the key's ARN).
        - In check mode, left out for a copy whose O(kms_key_id) is an alias or a key ID.
      returned: when AWS reports it
      type: str
      sample: arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab
    db_cluster_snapshot_arn:
      description:
        - The snapshot's ARN.
        - In check mode, predicted; left out for a copy of a snapshot another account shares.
      returned: when the snapshot exists or is about to
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
      description:
        - The snapshot's tags as a dictionary.
        - Not with O(state=absent), which does not read them.
      returned: when the snapshot exists or is about to, with O(state=present)
      type: dict
      sample: {"purpose": "pre-upgrade", "owner": "data-platform"}
    shared_accounts:
      description: The accounts allowed to restore the snapshot, sorted; V(all) when it is public.
      returned: when O(shared_accounts) is given
      type: list
      elements: str
      sample: ["210987654321"]
"""

from ansible.module_utils.common.warnings import warn

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.graphops.neptune.plugins.module_utils.endpoints import presign_at
from ansible_collections.graphops.neptune.plugins.module_utils.module_exit import exit_with
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import connect
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_ensure import ensure_snapshot
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_request import build_request
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_request import ignored_option_warnings
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

ARGUMENT_SPEC = dict(
    db_cluster_snapshot_identifier=dict(type="str", required=True, aliases=["id", "snapshot_id", "snapshot_name"]),
    db_cluster_identifier=dict(type="str", aliases=["cluster_id"]),
    source_db_cluster_snapshot_identifier=dict(type="str", aliases=["source_id"]),
    source_region=dict(type="str"),
    source_endpoint_url=dict(type="str"),
    kms_key_id=dict(type="str"),
    copy_tags=dict(type="bool", default=False),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
    shared_accounts=dict(type="list", elements="str"),
    purge_shared_accounts=dict(type="bool", default=True),
    allow_public=dict(type="bool", default=False),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=1200),
)


# Copy-only options. copy_tags is in REQUIRED_IF, not here: it defaults to false, which required_by counts as given.
REQUIRED_BY = dict(
    kms_key_id=["source_db_cluster_snapshot_identifier"],
    source_region=["source_db_cluster_snapshot_identifier"],
    source_endpoint_url=["source_db_cluster_snapshot_identifier"],
)
REQUIRED_IF = [
    ("copy_tags", True, ("source_db_cluster_snapshot_identifier",)),
]


def main():
    module = AnsibleAWSModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[("db_cluster_identifier", "source_db_cluster_snapshot_identifier")],
        required_by=REQUIRED_BY,
        required_if=REQUIRED_IF,
        supports_check_mode=True,
    )
    try:
        request = build_request(module.params, module.region)
    except InvalidInput as error:
        module.fail_json(msg=str(error))
    for warning in ignored_option_warnings(module.params, request):
        # ansible-core's own warn (AnsibleModule.warn's), not module.warn: amazon.aws 11's AnsibleAWSModule.warn
        # also passes its warnings to exit_json, which ansible-core 2.19 and later deprecate with a warning of theirs.
        warn(warning)

    api = connect(module)
    source_api = api
    if request.source and request.source.region and request.state == "present":
        # The source region's own endpoint (endpoints.py): the module's endpoint_url serves the module's region only.
        source_api = connect(module, region=request.source.region, endpoint_url=request.source_endpoint_url)
        if not module.check_mode and (module.params.get("endpoint_url") or request.source_endpoint_url):
            presign_at(api.client, request.source_endpoint_url)
    exit_with(module, ensure_snapshot, api, request, check_mode=module.check_mode, source_api=source_api)


if __name__ == "__main__":
    main()
