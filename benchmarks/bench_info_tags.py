#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark (not a test): listing N tagged Neptune snapshots, tag reads one by one vs the bounded pool.

Starts the local AWS stand-in (tests/support/local_aws.py), creates one Neptune
cluster with N tagged manual snapshots on the moto server, then times
snapshot_listing_api.list_snapshots (the function the info module runs) with
each worker count, a few repetitions each, and prints a table, twice:

- straight to moto: every call costs only moto's CPU time, on the same cores as
  the client; the least the pool can gain;
- through the stand-in's proxy with a "slow" rule that holds every call for
  --latency-ms (default 30) before forwarding it: a stand-in for the round trip
  to a real AWS region, which is what the pool overlaps.

The client is made like the module's: botocore's default configuration (10
pooled connections) wrapped with RETRY_DECORATOR.

  ~/.cache/graphops-neptune/venv/bin/python benchmarks/bench_info_tags.py [--snapshots 1000]
      [--workers 1,8] [--repeat 3] [--latency-ms 30]

Results and the machine they were measured on: docs/info_benchmark.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
CLUSTER = "bench-graph"


def import_collection(scratch: Path):
    """Make the repo importable as ansible_collections.graphops.neptune (amazon.aws comes from the venv)."""
    tree = scratch / "ansible_collections" / "graphops"
    tree.mkdir(parents=True)
    (tree / "neptune").symlink_to(REPO)
    sys.path.insert(0, str(scratch))
    sys.path.insert(0, str(REPO / "tests" / "support"))


def new_client(endpoint_url: str):
    return boto3.client(
        "neptune",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="bench-key",
        aws_secret_access_key="bench-secret",
    )


def create_fixtures(endpoint_url: str, count: int) -> None:
    client = new_client(endpoint_url)
    client.create_db_cluster(DBClusterIdentifier=CLUSTER, Engine="neptune")
    for number in range(count):
        client.create_db_cluster_snapshot(
            DBClusterSnapshotIdentifier=f"bench-{number:05d}",
            DBClusterIdentifier=CLUSTER,
            Tags=[{"Key": "bench", "Value": "yes"}, {"Key": "n", "Value": str(number)}],
        )


def time_listing(endpoint_url: str, workers: int, expected: int) -> tuple[float, dict]:
    from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import RETRY_DECORATOR
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import NeptuneSnapshotApi
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import build_listing_request
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import list_snapshots

    client = new_client(endpoint_url)
    calls: dict = {}

    def count(model, **_kwargs):
        calls[model.name] = calls.get(model.name, 0) + 1

    client.meta.events.register("before-call.*.*", count)
    api = NeptuneSnapshotApi(RetryingBotoClientWrapper(client, RETRY_DECORATOR))
    request = build_listing_request({"db_cluster_identifier": CLUSTER, "snapshot_type": "manual"})
    started = time.perf_counter()
    snapshots = list_snapshots(api, request, workers=workers)
    seconds = time.perf_counter() - started
    if len(snapshots) != expected or any(s["tags"].get("bench") != "yes" for s in snapshots):
        raise SystemExit(f"wrong listing with {workers} workers: {len(snapshots)} snapshots")
    return seconds, calls


def add_latency(proxy_url: str, seconds: float) -> None:
    rule = {"type": "fault", "action": "*", "fault": "slow", "delay": seconds, "times": -1}
    request = urllib.request.Request(
        f"{proxy_url}/_proxy/rules", data=json.dumps(rule).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def measure(endpoint_url: str, worker_counts: list, repeat: int, expected: int) -> list:
    time_listing(endpoint_url, max(worker_counts), expected)  # warm-up: imports, connections, moto's caches
    rows = []
    for workers in worker_counts:
        runs = [time_listing(endpoint_url, workers, expected) for _run in range(repeat)]
        seconds = [run[0] for run in runs]
        rows.append((workers, statistics.median(seconds), min(seconds), max(seconds), runs[-1][1]))
    return rows


def print_table(title: str, rows: list) -> None:
    baseline = rows[0][1]
    calls = sum(rows[0][4].values())
    print(f"\n{title} {1000 * baseline / calls:.0f} ms a call with {rows[0][0]} worker(s)")
    print("| workers | median s | min s | max s | speed-up | DescribeDBClusterSnapshots | ListTagsForResource |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for workers, median, fastest, slowest, calls in rows:
        print(f"| {workers} | {median:.2f} | {fastest:.2f} | {slowest:.2f} | {baseline / median:.1f}x | "
              f"{calls.get('DescribeDBClusterSnapshots', 0)} | {calls.get('ListTagsForResource', 0)} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=1000)
    parser.add_argument("--workers", default=None, help="comma-separated worker counts (default: 1 and the module's)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=30.0, help="added to every call in the second table")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-info-") as scratch:
        import_collection(Path(scratch))
        from local_aws import local_aws  # tests/support, on sys.path now

        from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import DEFAULT_WORKERS

        worker_counts = [int(w) for w in args.workers.split(",")] if args.workers else [1, DEFAULT_WORKERS]
        # moto counts the cluster's automated snapshot against its quota of 1,000: raise it for the server.
        os.environ["MOTO_RDS_SNAPSHOT_LIMIT"] = str(args.snapshots + 100)
        with local_aws(Path(scratch) / "aws") as info:
            started = time.perf_counter()
            create_fixtures(info["moto_url"], args.snapshots)
            print(f"created {args.snapshots} tagged snapshots in {time.perf_counter() - started:.1f} s")
            direct = measure(info["moto_url"], worker_counts, args.repeat, args.snapshots)
            add_latency(info["proxy_url"], args.latency_ms / 1000)
            slowed = measure(info["proxy_url"], worker_counts, args.repeat, args.snapshots)

    print(f"\n{args.snapshots} snapshots, {args.repeat} runs each; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    print_table("Straight to moto (no network latency):", direct)
    print_table(f"Through the proxy, {args.latency_ms:g} ms added to every call:", slowed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
