# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set-up and clean-up for the neptune_cluster_snapshot_info target, in one process each.

The target needs more than 100 snapshots (to cross a page); one boto3 process makes
them in seconds where one task per snapshot would take minutes. It talks to
FIXTURE_ENDPOINT_URL (moto, when there is one) with the usual AWS_* variables
and prints one JSON document. Self-contained on purpose: importing the
neptune_cluster_snapshot target's aws_fixture.py would make ansible-test run
that whole target with this one.

  info_fixture.py setup PREFIX COUNT   # clusters PREFIX-graph, PREFIX-other (Neptune), PREFIX-aurora;
                                       # COUNT snapshots PREFIX-bulk-NNN of PREFIX-graph, oldest first;
                                       # PREFIX-other-1 and PREFIX-aurora-1
  info_fixture.py cleanup PREFIX       # deletes every manual snapshot and cluster named PREFIX-*

Tags: every snapshot carries set=PREFIX; PREFIX-bulk-NNN also n=NNN, and pick=yes when NNN % 25 == 7.
"""

import json
import os
import sys
import time

import boto3
import botocore.exceptions

PICK_EVERY, PICK_AT = 25, 7
NOT_FOUND = ("DBClusterNotFoundFault", "DBClusterSnapshotNotFoundFault")


def rds_client():
    # The rds client sees the clusters and snapshots of every engine (Neptune's is the same API).
    return boto3.client("rds", endpoint_url=os.environ.get("FIXTURE_ENDPOINT_URL") or None)


def code(error):
    return error.response.get("Error", {}).get("Code")


def poll():
    time.sleep(float(os.environ.get("FIXTURE_POLL_SECONDS", "15")))


def wait_available(read):
    while read() != "available":
        poll()


def create_cluster(rds, cluster_id, engine):
    request = {"DBClusterIdentifier": cluster_id, "Engine": engine}
    if engine != "neptune":
        request.update(MasterUsername="ansibletest", MasterUserPassword="Ansible-Test-pw-1234")
    try:
        rds.create_db_cluster(**request)
    except botocore.exceptions.ClientError as error:
        if code(error) != "DBClusterAlreadyExistsFault":
            raise
    wait_available(lambda: rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["Status"])


def create_snapshot(rds, snapshot_id, cluster_id, tags):
    tag_list = [{"Key": key, "Value": value} for key, value in tags.items()]
    while True:
        try:
            rds.create_db_cluster_snapshot(
                DBClusterSnapshotIdentifier=snapshot_id, DBClusterIdentifier=cluster_id, Tags=tag_list
            )
            break
        except botocore.exceptions.ClientError as error:
            if code(error) != "InvalidDBClusterStateFault":  # real AWS: one snapshot of a cluster at a time
                raise
            poll()
    wait_available(
        lambda: rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot_id)["DBClusterSnapshots"][0][
            "Status"
        ]
    )


def clusters(prefix):
    return {"neptune": [f"{prefix}-graph", f"{prefix}-other"], "aurora-postgresql": [f"{prefix}-aurora"]}


def setup(prefix, count):
    rds = rds_client()
    for engine, cluster_ids in clusters(prefix).items():
        for cluster_id in cluster_ids:
            create_cluster(rds, cluster_id, engine)
    bulk = [f"{prefix}-bulk-{number:03d}" for number in range(int(count))]
    for number, snapshot_id in enumerate(bulk):
        tags = {"set": prefix, "n": f"{number:03d}"}
        if number % PICK_EVERY == PICK_AT:
            tags["pick"] = "yes"
        create_snapshot(rds, snapshot_id, f"{prefix}-graph", tags)
    create_snapshot(rds, f"{prefix}-other-1", f"{prefix}-other", {"set": prefix})
    create_snapshot(rds, f"{prefix}-aurora-1", f"{prefix}-aurora", {"set": prefix, "pick": "yes"})
    return {"bulk": bulk, "picked": bulk[PICK_AT::PICK_EVERY]}


def delete_all(delete, identifiers, parameter):
    deleted = []
    for identifier in identifiers:
        try:
            delete(**{parameter: identifier})
            deleted.append(identifier)
        except botocore.exceptions.ClientError as error:
            if code(error) not in NOT_FOUND:
                raise
    return deleted


def cleanup(prefix):
    rds = rds_client()
    pages = rds.get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual")
    mine = [
        snapshot["DBClusterSnapshotIdentifier"]
        for page in pages
        for snapshot in page["DBClusterSnapshots"]
        if snapshot["DBClusterSnapshotIdentifier"].startswith(f"{prefix}-")
    ]
    cluster_ids = [cluster_id for cluster_ids in clusters(prefix).values() for cluster_id in cluster_ids]
    return {
        "deleted": delete_all(rds.delete_db_cluster_snapshot, mine, "DBClusterSnapshotIdentifier")
        + delete_all(
            lambda **request: rds.delete_db_cluster(SkipFinalSnapshot=True, **request), cluster_ids,
            "DBClusterIdentifier",
        )
    }


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("setup", "cleanup"):
        raise SystemExit(__doc__)
    print(json.dumps({"setup": setup, "cleanup": cleanup}[sys.argv[1]](*sys.argv[2:])))
