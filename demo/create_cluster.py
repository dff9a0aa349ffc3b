"""Create a Neptune DB cluster on the local AWS stand-in: python demo/create_cluster.py ENDPOINT NAME"""

import sys

import boto3


def main(endpoint_url, name):
    client = boto3.client("neptune", endpoint_url=endpoint_url)
    client.create_db_cluster(DBClusterIdentifier=name, Engine="neptune")
    print(f"Created Neptune cluster {name!r} on the local endpoint")


if __name__ == "__main__":
    main(*sys.argv[1:3])
