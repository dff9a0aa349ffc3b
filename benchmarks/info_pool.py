# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module's tag reads, one by one vs the bounded pool (was bench_info_tags.py).

Times snapshot_listing_api.list_snapshots, the function neptune_cluster_snapshot_info runs, in this process
with 1 worker and with the module's DEFAULT_WORKERS, through the proxy with its per-call latency. The client
is made like the module's: botocore's default configuration (10 pooled connections) wrapped with
RETRY_DECORATOR. The whole module, pool included, is also timed as ansible-playbook runs (the info-*
scenarios of bench.py); this isolates what the pool itself gains.
"""

from __future__ import annotations

import sys
import time

import boto3

import endpoint
import scenarios
import stats


def _listing(collections_dir, proxy_url: str, cluster: str, workers: int, expected: int) -> tuple:
    if str(collections_dir) not in sys.path:
        sys.path.insert(0, str(collections_dir))
    from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import RETRY_DECORATOR
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import NeptuneSnapshotApi
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import build_listing_request
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import list_snapshots

    client = boto3.client("neptune", region_name=endpoint.REGION, endpoint_url=proxy_url, **endpoint.CREDENTIALS)
    api = NeptuneSnapshotApi(RetryingBotoClientWrapper(client, RETRY_DECORATOR))
    request = build_listing_request({"db_cluster_identifier": cluster, "snapshot_type": "manual"})
    started = time.perf_counter()
    snapshots = list_snapshots(api, request, workers=workers)
    seconds = time.perf_counter() - started
    if len(snapshots) != expected or any(s["tags"].get("bench") != "yes" for s in snapshots):
        raise SystemExit("wrong listing with %d workers: %d snapshots, expected %d" % (workers, len(snapshots), expected))
    return seconds


def default_workers(collections_dir) -> int:
    if str(collections_dir) not in sys.path:
        sys.path.insert(0, str(collections_dir))
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import DEFAULT_WORKERS

    return DEFAULT_WORKERS


def measure(collections_dir, proxy, counts: list, args) -> dict:
    """{"workers": [1, N], "rows": [{"count", "workers", "time", "calls"}]}: runs interleaved by worker count;
    at the largest count the sequential reads run only args.sequential_runs times (they take minutes)."""
    worker_counts = [1, default_workers(collections_dir)]
    rows = []
    for count in counts:
        cluster = scenarios.info_cluster(count)
        seconds = {workers: [] for workers in worker_counts}
        calls = {}
        for run in range(args.pool_runs):
            for workers in worker_counts:
                if workers == 1 and count == max(counts) and run >= args.sequential_runs:
                    continue
                proxy.prepare(args.latency_ms / 1000.0)
                seconds[workers].append(_listing(collections_dir, proxy.url, cluster, workers, count))
                calls[workers] = stats.count_actions(proxy.calls())
                print("  pool %5d snapshots, %d worker(s), run %d: %.2f s" % (count, workers, run, seconds[workers][-1]),
                      flush=True)
        for workers in worker_counts:
            rows.append({"count": count, "workers": workers, "time": stats.summarize(seconds[workers]),
                         "calls": calls.get(workers, {})})
    return {"workers": worker_counts, "rows": rows}
