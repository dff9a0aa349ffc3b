# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The calls the rotation makes in one region, one method a call (a listing follows its pages).

Every call goes through an rds client of the module's endpoint and credentials: its model keeps each
snapshot's TagList and knows the DescribeDBClusterSnapshots filters, which Neptune's model says it does not
support although the shared endpoint serves them. Errors come back as RotationCallError, whose `kind` the run
acts on (a busy cluster, a full quota, no copy slot) and whose message names what was being done to what.
"""

from __future__ import annotations

import threading
import time
from functools import partial

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK.

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from .rotation_marks import may_be_rotation_snapshot
from .snapshot_api import (ALREADY_EXISTS, BUSY_CLUSTER, QUOTA_EXCEEDED, SNAPSHOT_NOT_FOUND_CODES, error_code,
                           module_client, snapshot_facts)
from .snapshot_listing_api import DEFAULT_WORKERS, bounded_map, every_page
from .statuses import MANUAL, NEPTUNE_ENGINE, neptune_engine_filters

BUSY, QUOTA, COPY_LIMIT, EXISTS, GONE, OTHER = "busy", "quota", "copy-limit", "exists", "gone", "other"
# AWS answers a copy past the copy limit with the quota's code; only its message tells them apart
# ("Cannot copy more than 5 snapshots across regions").
COPY_LIMIT_WORD = "copy"
# A share of the account's RDS API budget (a bucket of 300 requests and 12 a second per account and region,
# shared with every other tool): a burst of this many calls, then this many a second.
BURST = 100
RATE = 10.0


class RotationCallError(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class TokenBucket:
    """At most `burst` calls at once, refilled at `rate` a second; thread-safe."""

    def __init__(self, burst: int = BURST, rate: float = RATE, clock=time.monotonic, sleep=time.sleep):
        self.capacity, self.rate, self.clock, self.sleep = burst, rate, clock, sleep
        self.tokens, self.at = float(burst), clock()
        self.lock = threading.Lock()

    def take(self) -> None:
        while True:
            with self.lock:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
                self.at = now
                if self.tokens >= 1 - 1e-9:  # a sleep of exactly the deficit may fall short by a rounding
                    self.tokens = max(self.tokens - 1, 0.0)
                    return
                delay = (1 - self.tokens) / self.rate
            self.sleep(delay)


def _kind(code: str | None, message: str) -> str:
    if code == BUSY_CLUSTER:
        return BUSY
    if code == ALREADY_EXISTS:
        return EXISTS
    if code in SNAPSHOT_NOT_FOUND_CODES:
        return GONE
    if code == QUOTA_EXCEEDED:
        return COPY_LIMIT if COPY_LIMIT_WORD in message.lower() else QUOTA
    return OTHER


def _failure(description: str, error: Exception) -> RotationCallError:
    if isinstance(error, botocore.exceptions.ClientError):
        code = error_code(error)
        message = error.response.get("Error", {}).get("Message") or ""
        return RotationCallError(_kind(code, message), f"Failed to {description}: {message} ({code})")
    return RotationCallError(OTHER, f"Failed to {description}: {error}")


class RegionApi:
    """The rotation's calls in one region, rate-limited and retried (the client's AWSRetry)."""

    def __init__(self, client, region: str, bucket: TokenBucket | None = None, workers: int = DEFAULT_WORKERS):
        self.client, self.region, self.workers = client, region, workers
        self.bucket = bucket or TokenBucket()

    def _call(self, description: str, method: str, **request):
        self.bucket.take()
        try:
            return getattr(self.client, method)(aws_retry=True, **request)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            raise _failure(description, error) from error

    def _pages(self, description: str, method: str, key: str, **request) -> list:
        return every_page(partial(self._call, description, method), key, **request)

    def describe_clusters(self) -> dict:
        """{identifier (lowercase): DescribeDBClusters entry} of every Neptune cluster of the region."""
        found = self._pages(f"describe the Neptune DB clusters of {self.region}", "describe_db_clusters",
                            "DBClusters", Filters=neptune_engine_filters())
        return {c["DBClusterIdentifier"].lower(): c for c in found if c.get("Engine") == NEPTUNE_ENGINE}

    def list_snapshots(self, clusters, rotation: str, known_tags: dict | None = None) -> dict:
        """{identifier: facts} of the manual Neptune snapshots of the region, each rotation-named one with its
        tags: from the listing's TagList, from known_tags, or read (a bounded pool, one call each)."""
        found = self._pages(f"list the manual Neptune DB cluster snapshots of {self.region}",
                            "describe_db_cluster_snapshots", "DBClusterSnapshots",
                            SnapshotType=MANUAL, Filters=neptune_engine_filters())
        listing = {}
        for api_snapshot in found:
            facts = snapshot_facts({k: v for k, v in api_snapshot.items() if k != "TagList"})
            if facts.get("engine") != NEPTUNE_ENGINE:
                continue  # the filter is AWS's; this guard is ours
            if "TagList" in api_snapshot:
                facts["tags"] = boto3_tag_list_to_ansible_dict(api_snapshot["TagList"])
            listing[facts["db_cluster_snapshot_identifier"]] = facts
        unread = []
        for identifier, facts in listing.items():
            if "tags" in facts or not may_be_rotation_snapshot(facts, clusters, rotation):
                continue
            if identifier in (known_tags or {}):
                facts["tags"] = known_tags[identifier]
            else:
                unread.append(facts)
        for facts, tags in zip(unread, bounded_map(self._tags_or_none, unread, self.workers)):
            if tags is None:
                listing.pop(facts["db_cluster_snapshot_identifier"], None)  # deleted since the listing
            else:
                facts["tags"] = tags
        return listing

    def _tags_or_none(self, facts: dict) -> dict | None:
        identifier = facts["db_cluster_snapshot_identifier"]
        try:
            response = self._call(f"list the tags of DB cluster snapshot {identifier!r} in {self.region}",
                                  "list_tags_for_resource", ResourceName=facts["db_cluster_snapshot_arn"])
        except RotationCallError as error:
            if error.kind == GONE:
                return None
            raise
        return boto3_tag_list_to_ansible_dict(response.get("TagList", []))

    def create_snapshot(self, identifier: str, cluster: str, tags: dict) -> dict:
        response = self._call(
            f"create DB cluster snapshot {identifier!r} of cluster {cluster!r} in {self.region}",
            "create_db_cluster_snapshot", DBClusterSnapshotIdentifier=identifier, DBClusterIdentifier=cluster,
            Tags=ansible_dict_to_boto3_tag_list(tags))
        return dict(snapshot_facts(response["DBClusterSnapshot"]), tags=tags)

    def copy_snapshot(self, order, source_region: str) -> dict:
        """Copy order.source_arn (of source_region) here; botocore adds a PreSignedUrl from SourceRegion (at the source
        region's endpoint with a custom one: endpoints.presign_at; see docs/aws-fidelity.md)."""
        request = dict(SourceDBClusterSnapshotIdentifier=order.source_arn,
                       TargetDBClusterSnapshotIdentifier=order.identifier,
                       Tags=ansible_dict_to_boto3_tag_list(order.tags), SourceRegion=source_region)
        if order.kms_key_id:
            request["KmsKeyId"] = order.kms_key_id
        response = self._call(f"copy DB cluster snapshot {order.source_arn!r} to {self.region}",
                              "copy_db_cluster_snapshot", **request)
        return dict(snapshot_facts(response["DBClusterSnapshot"]), tags=order.tags)

    def delete_snapshot(self, identifier: str) -> None:
        try:
            self._call(f"delete DB cluster snapshot {identifier!r} in {self.region}", "delete_db_cluster_snapshot",
                       DBClusterSnapshotIdentifier=identifier)
        except RotationCallError as error:
            if error.kind != GONE:  # gone already: that is what was asked
                raise


def connect_region(module, region: str | None = None, endpoint_url: str | None = None) -> RegionApi:
    """The rotation's API in the module's region, or in region at endpoint_url (None: botocore's default endpoint
    of that region, never the module's endpoint_url, see endpoints.py): retrying, rate-limited, read-only in check
    mode."""
    return RegionApi(module_client(module, "rds", region, endpoint_url), region or module.region)
