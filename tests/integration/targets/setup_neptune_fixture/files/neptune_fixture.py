# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set-up, independent reads, proxy control and clean-up shared by the integration targets.

amazon.aws.rds_cluster cannot create Neptune clusters (its engine choices stop at Aurora,
MySQL and PostgreSQL), so the targets make their fixtures with boto3 here. The calls go
straight to moto when there is one, past the fault-injecting proxy, so neither the proxy's
call log nor its fault and status rules see them: what a target reads here is what AWS
holds, independently of the module under test. Every command prints one JSON document.

  neptune_fixture.py [--config CONFIG] COMMAND ARGS...

Where to: with --config, CONFIG is the integration config ansible-test gives a script target
(runme.sh's -e @CONFIG, JSON): boto3 goes to its moto_url with its aws_* credentials, and
`proxy` to its aws_endpoint_url. Without it, boto3 goes to FIXTURE_ENDPOINT_URL (empty: AWS
itself) with the credentials of the usual AWS_* environment variables.

  setup SPEC          # SPEC (JSON): {"clusters": [{"id", "engine", "encrypted": bool, "tags": {},
                      #   "copy_tags_to_snapshot": bool}],
                      #   "snapshots": [{"id", "cluster", "tags": {}, "shared": [ACCOUNT]}]};
                      # makes the clusters (an existing one is reused; encrypted: StorageEncrypted
                      # with KMS key alias/test), then the snapshots in order, each available
                      # before the next; prints {"clusters": {ID: {"identifier", "engine", "arn",
                      # "encrypted", "automated": [automated snapshot IDs]}}, "snapshots": {ID: describe}}
  describe ID         # {"exists", "identifier", "cluster", "engine", "type", "status", "encrypted",
                      #  "tags", "restore": sorted accounts allowed to restore it}; finds automated ones
  exists ID...        # {ID: true or false}; also finds automated snapshots
  count CLUSTER       # {"manual": number of manual snapshots of CLUSTER}
  cleanup PREFIX      # deletes the instances, the manual snapshots, then the clusters (no final
                      # snapshot, deletion protection turned off) named PREFIX-*; missing ones are fine
  resources PREFIX    # {"clusters": {ID: status}, "instances": {ID: status}} of those named PREFIX-*
  proxy PATH [JSON]   # POST JSON (or nothing) to the proxy's /_proxy/PATH (needs --config)

FIXTURE_POLL_SECONDS (default 15) sets how often waits poll; FIXTURE_WAIT_SECONDS (default 3600)
how long they last.

A target's own commands live in a script of its own that imports this file and hands its
COMMANDS to main() (see neptune_load/load_fixture.py); every command gets a Fixture first.
"""

import contextlib
import json
import os
import sys
import time
import urllib.request

import boto3
import botocore.exceptions

NOT_FOUND = ("DBClusterNotFoundFault", "DBClusterSnapshotNotFoundFault", "DBInstanceNotFound")


def load_config(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def code(error):
    return error.response.get("Error", {}).get("Code")


class Fixture:
    """Where the fixture's calls go, and how long it waits."""

    def __init__(self, config=None):
        self.config = config
        if config is None:
            self.endpoint_url = os.environ.get("FIXTURE_ENDPOINT_URL") or None
            self.credentials = {}
            self.proxy_url = None
        else:
            self.endpoint_url = config.get("moto_url") or None
            self.credentials = {
                "region_name": config["aws_region"],
                "aws_access_key_id": config["aws_access_key"],
                "aws_secret_access_key": config["aws_secret_key"],
                "aws_session_token": config.get("security_token") or None,
            }
            self.proxy_url = config.get("aws_endpoint_url")
        self.poll_seconds = float(os.environ.get("FIXTURE_POLL_SECONDS", "15"))
        self.wait_seconds = float(os.environ.get("FIXTURE_WAIT_SECONDS", "3600"))
        self._clients = {}

    @property
    def local(self):
        """Whether the calls go to the local AWS stand-in (moto behind the proxy)."""
        return bool(self.config and self.config.get("moto_url"))

    def client(self, service="rds"):
        # The rds client sees every engine's clusters and snapshots (Neptune's API is the same one).
        if service not in self._clients:
            self._clients[service] = boto3.client(service, endpoint_url=self.endpoint_url, **self.credentials)
        return self._clients[service]

    def wait_available(self, read, what):
        deadline = time.monotonic() + self.wait_seconds
        while True:
            status = read()
            if status == "available":
                return
            if time.monotonic() > deadline:
                raise SystemExit(f"{what} is still {status!r}")
            time.sleep(self.poll_seconds)


def cluster_status(fixture, cluster_id):
    return fixture.client().describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["Status"]


def start_cluster(fixture, spec):
    """Asks for the cluster (or finds it made already); does not wait."""
    engine = spec["engine"]
    request = {"DBClusterIdentifier": spec["id"], "Engine": engine}
    if spec.get("encrypted"):
        request.update(StorageEncrypted=True, KmsKeyId="alias/test")
    if spec.get("tags"):
        request["Tags"] = [{"Key": key, "Value": value} for key, value in spec["tags"].items()]
    if spec.get("copy_tags_to_snapshot"):
        request["CopyTagsToSnapshot"] = True
    if engine != "neptune":
        request.update(MasterUsername="ansibletest", MasterUserPassword="Ansible-Test-pw-1234")
    rds = fixture.client("neptune" if engine == "neptune" else "rds")
    try:
        return rds.create_db_cluster(**request)["DBCluster"]
    except botocore.exceptions.ClientError as error:
        if code(error) != "DBClusterAlreadyExistsFault":
            raise
    return rds.describe_db_clusters(DBClusterIdentifier=spec["id"])["DBClusters"][0]


def automated_snapshots(fixture, cluster_id):
    snapshots = fixture.client().describe_db_cluster_snapshots(DBClusterIdentifier=cluster_id, SnapshotType="automated")
    return sorted(s["DBClusterSnapshotIdentifier"] for s in snapshots["DBClusterSnapshots"])


def create_snapshot(fixture, spec):
    rds = fixture.client()
    request = {"DBClusterSnapshotIdentifier": spec["id"], "DBClusterIdentifier": spec["cluster"]}
    if spec.get("tags"):
        request["Tags"] = [{"Key": key, "Value": value} for key, value in spec["tags"].items()]
    while True:
        try:
            rds.create_db_cluster_snapshot(**request)
            break
        except botocore.exceptions.ClientError as error:
            if code(error) != "InvalidDBClusterStateFault":  # real AWS: one snapshot of a cluster at a time
                raise
            time.sleep(fixture.poll_seconds)
    fixture.wait_available(lambda: describe(fixture, spec["id"]).get("status"), f"snapshot {spec['id']}")
    if spec.get("shared"):
        rds.modify_db_cluster_snapshot_attribute(
            DBClusterSnapshotIdentifier=spec["id"], AttributeName="restore", ValuesToAdd=list(spec["shared"])
        )


def setup(fixture, spec_text):
    spec = json.loads(spec_text) if isinstance(spec_text, str) else spec_text
    clusters = {cluster["id"]: start_cluster(fixture, cluster) for cluster in spec.get("clusters", [])}
    for cluster_id in clusters:
        fixture.wait_available(lambda cluster_id=cluster_id: cluster_status(fixture, cluster_id), f"cluster {cluster_id}")
    for snapshot in spec.get("snapshots", []):
        create_snapshot(fixture, snapshot)
    return {
        "clusters": {
            cluster_id: {
                "identifier": cluster["DBClusterIdentifier"],
                "engine": cluster["Engine"],
                "arn": cluster["DBClusterArn"],
                "encrypted": bool(cluster.get("StorageEncrypted")),
                "automated": automated_snapshots(fixture, cluster_id),
            }
            for cluster_id, cluster in clusters.items()
        },
        "snapshots": {snapshot["id"]: describe(fixture, snapshot["id"]) for snapshot in spec.get("snapshots", [])},
    }


def describe(fixture, snapshot_id):
    rds = fixture.client()
    request = {"DBClusterSnapshotIdentifier": snapshot_id}
    if snapshot_id.startswith("rds:"):
        request["SnapshotType"] = "automated"
    try:
        snapshots = rds.describe_db_cluster_snapshots(**request)["DBClusterSnapshots"]
        attributes = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=snapshot_id) if snapshots else {}
    except botocore.exceptions.ClientError as error:
        if code(error) in NOT_FOUND:
            return {"exists": False}
        raise
    if not snapshots:
        return {"exists": False}
    snapshot = snapshots[0]
    tags = rds.list_tags_for_resource(ResourceName=snapshot["DBClusterSnapshotArn"])["TagList"]
    attributes = attributes["DBClusterSnapshotAttributesResult"].get("DBClusterSnapshotAttributes", [])
    restore = next((a.get("AttributeValues") or [] for a in attributes if a["AttributeName"] == "restore"), [])
    return {
        "exists": True,
        "identifier": snapshot["DBClusterSnapshotIdentifier"],
        "cluster": snapshot["DBClusterIdentifier"],
        "engine": snapshot["Engine"],
        "type": snapshot.get("SnapshotType"),
        "status": snapshot["Status"],
        "encrypted": bool(snapshot.get("StorageEncrypted")),
        "tags": {tag["Key"]: tag["Value"] for tag in tags},
        "restore": sorted(restore),
    }


def exists(fixture, *snapshot_ids):
    return {snapshot_id: describe(fixture, snapshot_id)["exists"] for snapshot_id in snapshot_ids}


def count(fixture, cluster_id):
    snapshots = fixture.client().describe_db_cluster_snapshots(DBClusterIdentifier=cluster_id, SnapshotType="manual")
    return {"manual": len(snapshots["DBClusterSnapshots"])}


def manual_snapshots(fixture, prefix=""):
    """The manual snapshots (describe_db_cluster_snapshots' entries) whose IDs start with prefix."""
    pages = fixture.client().get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual")
    return [s for page in pages for s in page["DBClusterSnapshots"] if s["DBClusterSnapshotIdentifier"].startswith(prefix)]


def resources(fixture, prefix):
    """The clusters and instances named PREFIX-*: {"clusters": {ID: status}, "instances": {ID: status}}."""
    rds = fixture.client()
    clusters = [c for page in rds.get_paginator("describe_db_clusters").paginate() for c in page["DBClusters"]]
    instances = [i for page in rds.get_paginator("describe_db_instances").paginate() for i in page["DBInstances"]]
    return {
        "clusters": {c["DBClusterIdentifier"]: c["Status"] for c in clusters
                     if c["DBClusterIdentifier"].startswith(prefix + "-")},
        "instances": {i["DBInstanceIdentifier"]: i["DBInstanceStatus"] for i in instances
                      if i["DBInstanceIdentifier"].startswith(prefix + "-")},
    }


def cleanup(fixture, prefix):
    rds = fixture.client()
    pages = rds.get_paginator("describe_db_clusters").paginate()
    clusters = [c["DBClusterIdentifier"] for page in pages for c in page["DBClusters"] if c["DBClusterIdentifier"].startswith(prefix + "-")]
    for cluster in clusters:
        # A cluster with instances or deletion protection cannot be deleted (restore targets make both).
        with contextlib.suppress(botocore.exceptions.ClientError):
            rds.modify_db_cluster(DBClusterIdentifier=cluster, DeletionProtection=False, ApplyImmediately=True)
    deletes = [
        ("instances", rds.delete_db_instance, "DBInstanceIdentifier", sorted(resources(fixture, prefix)["instances"])),
        ("snapshots", rds.delete_db_cluster_snapshot, "DBClusterSnapshotIdentifier",
         [s["DBClusterSnapshotIdentifier"] for s in manual_snapshots(fixture, prefix + "-")]),
        ("clusters", lambda **request: rds.delete_db_cluster(SkipFinalSnapshot=True, **request), "DBClusterIdentifier", clusters),
    ]
    deleted = {}
    for kind, delete, parameter, identifiers in deletes:
        deleted[kind] = []
        for identifier in identifiers:
            try:
                delete(**{parameter: identifier})
                deleted[kind].append(identifier)
            except botocore.exceptions.ClientError as error:
                if code(error) not in NOT_FOUND:
                    raise
    return {"deleted": deleted}


def proxy(fixture, path, body=None, method="POST"):
    """The proxy's control API (tests/support/aws_proxy.py): POST body (JSON text) or GET path."""
    if not fixture.proxy_url:
        raise SystemExit("proxy: needs --config CONFIG with aws_endpoint_url")
    data = None if method == "GET" else (body or "").encode("utf-8")
    request = urllib.request.Request(f"{fixture.proxy_url}/_proxy/{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


COMMANDS = {
    "setup": setup,
    "describe": describe,
    "exists": exists,
    "resources": resources,
    "count": count,
    "cleanup": cleanup,
    "proxy": proxy,
}


def main(argv, commands=None, usage=None):
    """Runs `[--config CONFIG] COMMAND ARGS...` with commands (default: this file's) and prints its JSON."""
    commands, usage = commands or COMMANDS, usage or __doc__
    args = list(argv[1:])
    config = None
    if args[:1] == ["--config"] and len(args) > 1:
        config = load_config(args[1])
        args = args[2:]
    if not args or args[0] not in commands:
        raise SystemExit(usage)
    print(json.dumps(commands[args[0]](Fixture(config), *args[1:])))


if __name__ == "__main__":
    main(sys.argv)
