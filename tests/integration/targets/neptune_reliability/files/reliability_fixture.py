# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set-up, independent reads and clean-up for the neptune_reliability target.

It talks straight to moto (FIXTURE_ENDPOINT_URL), past the fault-injecting proxy, so
neither the proxy's call log nor its fault and status rules see these calls, with the
usual AWS_* variables, and prints one JSON document. Self-contained on purpose (see
the neptune_cluster_snapshot_info target's fixture for why).

  reliability_fixture.py setup SPEC      # SPEC (JSON): {"clusters": {ID: ENGINE}, "snapshots":
                                         #   [{"id", "cluster", "tags": {}, "shared": [ACCOUNT]}]};
                                         # prints {"automated": {CLUSTER: [automated snapshot IDs]}}
  reliability_fixture.py describe ID     # {"exists", "identifier", "cluster", "engine", "type",
                                         #  "status", "tags", "restore"}
  reliability_fixture.py exists ID...    # {ID: true or false}; also finds automated snapshots
  reliability_fixture.py count CLUSTER   # {"manual": number of manual snapshots of CLUSTER}
  reliability_fixture.py cleanup PREFIX  # deletes the manual snapshots and clusters named PREFIX*
"""

import json
import os
import sys
import time

import boto3
import botocore.exceptions

NOT_FOUND = ("DBClusterNotFoundFault", "DBClusterSnapshotNotFoundFault")
POLL_SECONDS = float(os.environ.get("FIXTURE_POLL_SECONDS", "0.2"))
WAIT_SECONDS = float(os.environ.get("FIXTURE_WAIT_SECONDS", "120"))


def client(service="rds"):
    # The rds client sees every engine's clusters and snapshots (Neptune's API is the same one).
    return boto3.client(service, endpoint_url=os.environ.get("FIXTURE_ENDPOINT_URL") or None)


def code(error):
    return error.response.get("Error", {}).get("Code")


def wait_available(read, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        status = read()
        if status == "available":
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} is still {status!r}")
        time.sleep(POLL_SECONDS)


def create_cluster(cluster_id, engine):
    rds = client("neptune" if engine == "neptune" else "rds")
    request = {"DBClusterIdentifier": cluster_id, "Engine": engine}
    if engine != "neptune":
        request.update(MasterUsername="ansibletest", MasterUserPassword="Ansible-Test-pw-1234")
    try:
        rds.create_db_cluster(**request)
    except botocore.exceptions.ClientError as error:
        if code(error) != "DBClusterAlreadyExistsFault":
            raise
    wait_available(
        lambda: rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["Status"],
        f"cluster {cluster_id}",
    )


def create_snapshot(spec):
    rds = client()
    request = {"DBClusterSnapshotIdentifier": spec["id"], "DBClusterIdentifier": spec["cluster"]}
    if spec.get("tags"):
        request["Tags"] = [{"Key": key, "Value": value} for key, value in spec["tags"].items()]
    rds.create_db_cluster_snapshot(**request)
    wait_available(lambda: read_snapshot(spec["id"]).get("status"), f"snapshot {spec['id']}")
    if spec.get("shared"):
        rds.modify_db_cluster_snapshot_attribute(
            DBClusterSnapshotIdentifier=spec["id"], AttributeName="restore", ValuesToAdd=list(spec["shared"])
        )


def automated_snapshots(cluster_id):
    snapshots = client().describe_db_cluster_snapshots(DBClusterIdentifier=cluster_id, SnapshotType="automated")
    return sorted(s["DBClusterSnapshotIdentifier"] for s in snapshots["DBClusterSnapshots"])


def setup(spec_text):
    spec = json.loads(spec_text)
    for cluster_id, engine in spec.get("clusters", {}).items():
        create_cluster(cluster_id, engine)
    for snapshot in spec.get("snapshots", []):
        create_snapshot(snapshot)
    return {"automated": {cluster_id: automated_snapshots(cluster_id) for cluster_id in spec.get("clusters", {})}}


def read_snapshot(snapshot_id):
    rds = client()
    request = {"DBClusterSnapshotIdentifier": snapshot_id}
    if snapshot_id.startswith("rds:"):
        request["SnapshotType"] = "automated"
    try:
        snapshots = rds.describe_db_cluster_snapshots(**request)["DBClusterSnapshots"]
    except botocore.exceptions.ClientError as error:
        if code(error) in NOT_FOUND:
            return {"exists": False}
        raise
    if not snapshots:
        return {"exists": False}
    snapshot = snapshots[0]
    tags = rds.list_tags_for_resource(ResourceName=snapshot["DBClusterSnapshotArn"])["TagList"]
    attributes = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=snapshot_id)
    attributes = attributes["DBClusterSnapshotAttributesResult"].get("DBClusterSnapshotAttributes", [])
    restore = next((a.get("AttributeValues") or [] for a in attributes if a["AttributeName"] == "restore"), [])
    return {
        "exists": True,
        "identifier": snapshot["DBClusterSnapshotIdentifier"],
        "cluster": snapshot["DBClusterIdentifier"],
        "engine": snapshot["Engine"],
        "type": snapshot.get("SnapshotType"),
        "status": snapshot["Status"],
        "tags": {tag["Key"]: tag["Value"] for tag in tags},
        "restore": sorted(restore),
    }


def snapshots_exist(*snapshot_ids):
    return {snapshot_id: read_snapshot(snapshot_id)["exists"] for snapshot_id in snapshot_ids}


def count_manual(cluster_id):
    snapshots = client().describe_db_cluster_snapshots(DBClusterIdentifier=cluster_id, SnapshotType="manual")
    return {"manual": len(snapshots["DBClusterSnapshots"])}


def cleanup(prefix):
    rds = client()
    deleted = {"snapshots": [], "clusters": []}
    for snapshot in rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]:
        snapshot_id = snapshot["DBClusterSnapshotIdentifier"]
        if snapshot_id.startswith(prefix):
            try:
                rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=snapshot_id)
                deleted["snapshots"].append(snapshot_id)
            except botocore.exceptions.ClientError as error:
                if code(error) not in NOT_FOUND:
                    raise
    for cluster in rds.describe_db_clusters()["DBClusters"]:
        cluster_id = cluster["DBClusterIdentifier"]
        if cluster_id.startswith(prefix):
            try:
                rds.delete_db_cluster(DBClusterIdentifier=cluster_id, SkipFinalSnapshot=True)
                deleted["clusters"].append(cluster_id)
            except botocore.exceptions.ClientError as error:
                if code(error) not in NOT_FOUND:
                    raise
    return deleted


COMMANDS = {
    "setup": setup,
    "describe": read_snapshot,
    "exists": snapshots_exist,
    "count": count_manual,
    "cleanup": cleanup,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    print(json.dumps(COMMANDS[argv[1]](*argv[2:])))


if __name__ == "__main__":
    main(sys.argv)
