# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's local endpoint: tests/support/local_aws.py (moto plus the proxy), extra proxies in front of
the same moto for runs that go at the same time (one proxy a run keeps each run's call log exact), and the
fixtures made straight on moto, so that the proxies record only what the modules call.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parent.parent
SUPPORT = REPO / "tests" / "support"
REGION = "us-east-1"
# moto accepts any credentials; these are placeholders, not secrets.
CREDENTIALS = {"aws_access_key_id": "bench-access-key", "aws_secret_access_key": "bench-secret-key"}
MISSING_SNAPSHOT = ("DBClusterSnapshotNotFoundFault", "DBSnapshotNotFound")


class Proxy:
    """The JSON control API of one tests/support/aws_proxy.py."""

    def __init__(self, url: str):
        self.url = url

    def _control(self, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + "/_proxy/" + path, data=data, method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def prepare(self, latency_seconds: float, creating: dict | None = None) -> None:
        """Clears calls and rules; every call then waits latency_seconds; snapshots in `creating`
        ({id: N}) answer `creating` N times before their real status."""
        self._control("reset", {})
        if latency_seconds > 0:
            self._control("rules", {"type": "fault", "action": "*", "fault": "slow", "delay": latency_seconds, "times": -1})
        for snapshot_id, times in (creating or {}).items():
            self._control("rules", {"type": "status", "snapshot": snapshot_id, "statuses": "creating", "times": times})

    def add_rule(self, rule: dict) -> None:
        """One more rule (see aws_proxy.py: status, fault, create_time, ...)."""
        self._control("rules", rule)

    def calls(self) -> list:
        return self._control("calls")["calls"]

    def rules(self) -> list:
        """The rules with their live counters (a timed status rule's started_at and ends_at)."""
        return self._control("rules")["rules"]

    def healthy(self) -> bool:
        try:
            return bool(self._control("health").get("ok"))
        except (OSError, ValueError):
            return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def extra_proxies(upstream: str, count: int, log_dir: Path):
    """`count` more proxies in front of the same moto server, stopped on exit."""
    processes, proxies = [], []
    try:
        for number in range(count):
            port = _free_port()
            with open(log_dir / ("proxy-%d.log" % number), "ab") as log:
                processes.append(subprocess.Popen(
                    [sys.executable, str(SUPPORT / "aws_proxy.py"), "--listen-port", str(port), "--upstream", upstream],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                ))
            proxies.append(Proxy("http://127.0.0.1:%d" % port))
        deadline = time.monotonic() + 30
        for proxy, process in zip(proxies, processes):
            while not proxy.healthy():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("an extra proxy did not start; see %s" % log_dir)
                time.sleep(0.1)
        yield proxies
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Moto:
    """Fixtures made straight on the moto server (not through a proxy, so never counted)."""

    def __init__(self, url: str):
        self.client = boto3.client("neptune", region_name=REGION, endpoint_url=url, **CREDENTIALS)

    def create_cluster(self, cluster_id: str) -> None:
        self.client.create_db_cluster(DBClusterIdentifier=cluster_id, Engine="neptune")

    def create_snapshot(self, snapshot_id: str, cluster_id: str, tags: dict) -> None:
        self.client.create_db_cluster_snapshot(
            DBClusterSnapshotIdentifier=snapshot_id, DBClusterIdentifier=cluster_id,
            Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )

    def copy_snapshot(self, source_id: str, snapshot_id: str) -> None:
        self.client.copy_db_cluster_snapshot(
            SourceDBClusterSnapshotIdentifier=source_id, TargetDBClusterSnapshotIdentifier=snapshot_id, CopyTags=True,
        )

    def delete_snapshot(self, snapshot_id: str) -> None:
        try:
            self.client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=snapshot_id)
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") not in MISSING_SNAPSHOT:
                raise

    def snapshot_tags(self, snapshot_id: str) -> dict | None:
        """The snapshot's tags, or None when it does not exist."""
        try:
            arn = self.client.describe_db_cluster_snapshots(
                DBClusterSnapshotIdentifier=snapshot_id)["DBClusterSnapshots"][0]["DBClusterSnapshotArn"]
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_SNAPSHOT:
                return None
            raise
        tags = self.client.list_tags_for_resource(ResourceName=arn)["TagList"]
        return {tag["Key"]: tag["Value"] for tag in tags}


def wait_for(predicate, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, urllib.error.URLError):
            if predicate():
                return True
        time.sleep(interval)
    return False
