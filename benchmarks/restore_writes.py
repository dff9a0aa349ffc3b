# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two writes of a Neptune restore as a user of amazon.aws makes them today, from a command task.

amazon.aws's rds_cluster and rds_instance refuse engine `neptune`, so a playbook restores with the aws CLI:
`aws neptune restore-db-cluster-from-snapshot` and `aws neptune create-db-instance`. The CLI is not a
dependency of this repository; this script makes the same single call each of them makes, with boto3:

  python restore_writes.py restore-cluster --endpoint-url URL --cluster ID --snapshot ID
  python restore_writes.py create-instance --endpoint-url URL --cluster ID --instance ID --instance-class CLASS

Credentials and region come from the environment (AWS_REGION, AWS_ACCESS_KEY_ID...), as for the CLI. It prints
the resource's identifier and status as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("call", choices=("restore-cluster", "create-instance"))
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--snapshot")
    parser.add_argument("--instance")
    parser.add_argument("--instance-class", default="db.r6g.large")
    args = parser.parse_args(argv)
    client = boto3.client("neptune", endpoint_url=args.endpoint_url)
    if args.call == "restore-cluster":
        cluster = client.restore_db_cluster_from_snapshot(
            DBClusterIdentifier=args.cluster, SnapshotIdentifier=args.snapshot, Engine="neptune")["DBCluster"]
        print(json.dumps({"id": cluster["DBClusterIdentifier"], "status": cluster["Status"]}))
    else:
        instance = client.create_db_instance(
            DBInstanceIdentifier=args.instance, DBInstanceClass=args.instance_class, Engine="neptune",
            DBClusterIdentifier=args.cluster)["DBInstance"]
        print(json.dumps({"id": instance["DBInstanceIdentifier"], "status": instance["DBInstanceStatus"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
