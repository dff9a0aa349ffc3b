# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set-up, independent reads and clean-up for the neptune_cluster_snapshot target.

amazon.aws.rds_cluster cannot create Neptune clusters (its engine choices stop at
Aurora, MySQL and PostgreSQL), so the target makes its fixtures with boto3 here.
It talks to AWS (or to the endpoint in FIXTURE_ENDPOINT_URL) with the credentials
of the usual AWS_* environment variables, and prints one JSON document.

  aws_fixture.py create-cluster ID ENGINE [encrypted]  # waits until available; reuses an existing one;
                                                 # encrypted: StorageEncrypted with KMS key alias/test
  aws_fixture.py create-cluster-snapshot ID CLUSTER   # waits until available
  aws_fixture.py describe-snapshot ID            # {"exists", "identifier", "cluster", "engine", "status",
                                                 #  "encrypted", "tags"}
  aws_fixture.py exists ID [ID...]               # {"ID": true or false, ...}
  aws_fixture.py describe-sharing ID             # {"exists", "restore": sorted accounts allowed to restore it}
  aws_fixture.py delete-snapshot ID [ID...]      # missing ones are fine
  aws_fixture.py delete-cluster ID [ID...]       # skips the final snapshot; missing ones are fine

FIXTURE_POLL_SECONDS (default 15) sets how often waits poll; FIXTURE_WAIT_SECONDS (default 3600)
how long they last.
"""

import json
import os
import sys
import time

import boto3
import botocore.exceptions

NOT_FOUND = ("DBClusterNotFoundFault", "DBClusterSnapshotNotFoundFault")


def client(service):
    return boto3.client(service, endpoint_url=os.environ.get("FIXTURE_ENDPOINT_URL") or None)


def code(error):
    return error.response.get("Error", {}).get("Code")


def wait_for(read, what):
    poll = float(os.environ.get("FIXTURE_POLL_SECONDS", "15"))
    deadline = time.monotonic() + float(os.environ.get("FIXTURE_WAIT_SECONDS", "3600"))
    while True:
        status = read()
        if status == "available":
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} is still {status!r}")
        time.sleep(poll)


def cluster_status(rds, cluster_id):
    return rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["Status"]


def create_cluster(cluster_id, engine, encrypted=""):
    rds = client("neptune" if engine == "neptune" else "rds")
    request = {"DBClusterIdentifier": cluster_id, "Engine": engine}
    if encrypted == "encrypted":
        request.update(StorageEncrypted=True, KmsKeyId="alias/test")
    elif encrypted:
        raise SystemExit(f"create-cluster: unknown option {encrypted!r} (only 'encrypted')")
    if engine != "neptune":
        request.update(MasterUsername="ansibletest", MasterUserPassword="Ansible-Test-pw-1234")
    try:
        cluster = rds.create_db_cluster(**request)["DBCluster"]
    except botocore.exceptions.ClientError as error:
        if code(error) != "DBClusterAlreadyExistsFault":
            raise
        cluster = rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]
    wait_for(lambda: cluster_status(rds, cluster_id), f"cluster {cluster_id}")
    return {
        "identifier": cluster["DBClusterIdentifier"],
        "engine": cluster["Engine"],
        "arn": cluster["DBClusterArn"],
        "encrypted": bool(cluster.get("StorageEncrypted")),
    }


def read_snapshot(snapshot_id):
    rds = client("rds")
    try:
        snapshots = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot_id)["DBClusterSnapshots"]
    except botocore.exceptions.ClientError as error:
        if code(error) in NOT_FOUND:
            return {"exists": False}
        raise
    if not snapshots:
        return {"exists": False}
    snapshot = snapshots[0]
    tags = rds.list_tags_for_resource(ResourceName=snapshot["DBClusterSnapshotArn"])["TagList"]
    return {
        "exists": True,
        "identifier": snapshot["DBClusterSnapshotIdentifier"],
        "cluster": snapshot["DBClusterIdentifier"],
        "engine": snapshot["Engine"],
        "status": snapshot["Status"],
        "encrypted": bool(snapshot.get("StorageEncrypted")),
        "tags": {tag["Key"]: tag["Value"] for tag in tags},
    }


def snapshots_exist(*snapshot_ids):
    return {snapshot_id: read_snapshot(snapshot_id)["exists"] for snapshot_id in snapshot_ids}


def read_sharing(snapshot_id):
    rds = client("rds")
    try:
        response = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=snapshot_id)
    except botocore.exceptions.ClientError as error:
        if code(error) in NOT_FOUND:
            return {"exists": False}
        raise
    attributes = response["DBClusterSnapshotAttributesResult"].get("DBClusterSnapshotAttributes", [])
    restore = next((a.get("AttributeValues") or [] for a in attributes if a["AttributeName"] == "restore"), [])
    return {"exists": True, "restore": sorted(restore)}


def create_cluster_snapshot(snapshot_id, cluster_id):
    rds = client("rds")
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=snapshot_id, DBClusterIdentifier=cluster_id)
    wait_for(lambda: read_snapshot(snapshot_id).get("status"), f"snapshot {snapshot_id}")
    return read_snapshot(snapshot_id)


def delete_snapshots(*snapshot_ids):
    rds = client("rds")
    deleted = []
    for snapshot_id in snapshot_ids:
        try:
            rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=snapshot_id)
            deleted.append(snapshot_id)
        except botocore.exceptions.ClientError as error:
            if code(error) not in NOT_FOUND:
                raise
    return {"deleted": deleted}


def delete_clusters(*cluster_ids):
    rds = client("rds")
    deleted = []
    for cluster_id in cluster_ids:
        try:
            rds.delete_db_cluster(DBClusterIdentifier=cluster_id, SkipFinalSnapshot=True)
            deleted.append(cluster_id)
        except botocore.exceptions.ClientError as error:
            if code(error) not in NOT_FOUND:
                raise
    return {"deleted": deleted}


COMMANDS = {
    "create-cluster": create_cluster,
    "create-cluster-snapshot": create_cluster_snapshot,
    "describe-snapshot": read_snapshot,
    "describe-sharing": read_sharing,
    "exists": snapshots_exist,
    "delete-snapshot": delete_snapshots,
    "delete-cluster": delete_clusters,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    print(json.dumps(COMMANDS[argv[1]](*argv[2:])))


if __name__ == "__main__":
    main(sys.argv)
