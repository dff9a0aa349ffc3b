# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module's calls: pagination on Stubber (moto pages nothing), the bounded tag pool and its retries."""

from __future__ import annotations

import datetime
import threading
import time

import botocore.exceptions
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import NeptuneSnapshotApi
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import build_listing_request
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import PAGE_SIZE
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import bounded_map
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import describe_all
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import list_snapshots
from ansible_collections.graphops.neptune.tests.unit.api_operations import ATTRIBUTES
from ansible_collections.graphops.neptune.tests.unit.api_operations import DESCRIBE
from ansible_collections.graphops.neptune.tests.unit.api_operations import NEPTUNE_ONLY
from ansible_collections.graphops.neptune.tests.unit.api_operations import TAGS

# Retries throttling like the module, without sleeping.
NO_SLEEP_RETRY = AWSRetry.jittered_backoff(retries=4, delay=0, max_delay=0)
START = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)


def arn(snapshot_id):
    return f"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:{snapshot_id}"


def api_snapshot(number, engine="neptune", cluster="graph", snapshot_type="manual"):
    snapshot_id = f"snap-{number:04d}"
    return {
        "DBClusterSnapshotIdentifier": snapshot_id,
        "DBClusterIdentifier": cluster,
        "Engine": engine,
        "SnapshotType": snapshot_type,
        "Status": "available",
        "SnapshotCreateTime": START + datetime.timedelta(minutes=number),
        "DBClusterSnapshotArn": arn(snapshot_id),
    }


def throttling(operation="ListTagsForResource"):
    return botocore.exceptions.ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, operation)


def queue_pages(stubber, snapshots, expected=None, page_size=PAGE_SIZE, neptune_only=True):
    """Queue the answers of a paginated describe; returns the markers the module must send back.

    Each page is expected with the engine filter list_snapshots sends (neptune_only), the expected parameters,
    MaxRecords and the marker of the page before.
    """
    pages = [snapshots[start:start + page_size] for start in range(0, len(snapshots), page_size)] or [[]]
    markers = []
    for index, page in enumerate(pages):
        params = dict(NEPTUNE_ONLY if neptune_only else {}, **(expected or {}), MaxRecords=PAGE_SIZE)
        if index:
            params["Marker"] = markers[-1]
        response = {"DBClusterSnapshots": page}
        if index < len(pages) - 1:
            markers.append(f"marker-{index + 1}")
            response["Marker"] = markers[-1]
        stubber.add_response("describe_db_cluster_snapshots", response, params)
    return markers


# --- pagination ----------------------------------------------------------------------------


def test_250_snapshots_take_3_describe_calls_following_the_marker(stubbed):
    client, stubber, calls = stubbed
    snapshots = [api_snapshot(number) for number in range(250)]
    queue_pages(stubber, snapshots, {"DBClusterIdentifier": "graph"}, neptune_only=False)
    result = describe_all(client, {"DBClusterIdentifier": "graph"})
    assert calls == [DESCRIBE] * 3
    assert [s["DBClusterSnapshotIdentifier"] for s in result] == [s["DBClusterSnapshotIdentifier"] for s in snapshots]


def test_1000_snapshots_take_10_describe_calls(stubbed):
    client, stubber, calls = stubbed
    queue_pages(stubber, [api_snapshot(number) for number in range(1000)], neptune_only=False)
    assert len(describe_all(client, {})) == 1000
    assert calls == [DESCRIBE] * 10


def test_a_throttled_page_is_retried_with_the_same_marker(stubbed):
    client, stubber, calls = stubbed
    stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [api_snapshot(1)], "Marker": "m1"},
        {"MaxRecords": PAGE_SIZE},
    )
    stubber.add_client_error("describe_db_cluster_snapshots", "Throttling", http_status_code=400)
    stubber.add_response(
        "describe_db_cluster_snapshots", {"DBClusterSnapshots": [api_snapshot(2)]}, {"MaxRecords": PAGE_SIZE, "Marker": "m1"}
    )
    assert len(describe_all(client, {})) == 2
    assert calls == [DESCRIBE] * 3


def test_a_missing_snapshot_identifier_is_an_empty_list(stubbed):
    client, stubber, calls = stubbed
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    assert describe_all(client, {"DBClusterSnapshotIdentifier": "nope"}) == []
    assert calls == [DESCRIBE]


def test_other_describe_errors_say_what_was_described(stubbed):
    client, stubber, _calls = stubbed
    stubber.add_client_error("describe_db_cluster_snapshots", "AccessDenied", http_status_code=403)
    with pytest.raises(AnsibleAWSError, match="Failed to describe DB cluster snapshots 'snap'"):
        describe_all(client, {"DBClusterSnapshotIdentifier": "snap"})


def test_list_filters_engines_reads_tags_of_neptune_only_and_orders(stubbed):
    client, stubber, calls = stubbed
    # Newest first on the wire, with an Aurora and a DocumentDB snapshot between them.
    answers = [api_snapshot(3), api_snapshot(2, engine="aurora-postgresql"), api_snapshot(4, engine="docdb"),
               api_snapshot(1)]
    queue_pages(stubber, answers)
    # One worker: Stubber answers in the queued order.
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "n", "Value": "3"}]}, {"ResourceName": arn("snap-0003")})
    stubber.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": arn("snap-0001")})
    result = list_snapshots(NeptuneSnapshotApi(client), build_listing_request({}), workers=1)
    assert [s["db_cluster_snapshot_identifier"] for s in result] == ["snap-0001", "snap-0003"]
    assert [s["tags"] for s in result] == [{}, {"n": "3"}]
    assert result[0]["snapshot_create_time"] == "2026-11-01T00:01:00+00:00"
    assert calls == [DESCRIBE, TAGS, TAGS]


def test_a_throttled_tag_read_is_retried(stubbed):
    client, stubber, calls = stubbed
    queue_pages(stubber, [api_snapshot(1)])
    stubber.add_client_error("list_tags_for_resource", "Throttling", http_status_code=400)
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "a", "Value": "1"}]}, {"ResourceName": arn("snap-0001")})
    result = list_snapshots(NeptuneSnapshotApi(client), build_listing_request({}))
    assert result[0]["tags"] == {"a": "1"}
    assert calls == [DESCRIBE, TAGS, TAGS]


def test_without_include_tags_no_tag_calls_and_no_tags_key(stubbed):
    client, stubber, calls = stubbed
    queue_pages(stubber, [api_snapshot(1), api_snapshot(2)])
    result = list_snapshots(NeptuneSnapshotApi(client), build_listing_request({"include_tags": False}))
    assert len(result) == 2 and all("tags" not in s for s in result)
    assert calls == [DESCRIBE]


def test_shared_accounts_are_read_for_manual_snapshots_only(stubbed):
    client, stubber, calls = stubbed
    queue_pages(stubber, [api_snapshot(1, snapshot_type="automated"), api_snapshot(2)])
    stubber.add_response(
        "describe_db_cluster_snapshot_attributes",
        {"DBClusterSnapshotAttributesResult": {"DBClusterSnapshotIdentifier": "snap-0002", "DBClusterSnapshotAttributes": [
            {"AttributeName": "restore", "AttributeValues": ["222222222222", "111111111111"]}]}},
        {"DBClusterSnapshotIdentifier": "snap-0002"},
    )
    request = build_listing_request({"include_tags": False, "include_shared_accounts": True})
    result = list_snapshots(NeptuneSnapshotApi(client), request)
    assert [s["shared_accounts"] for s in result] == [[], ["111111111111", "222222222222"]]
    assert calls == [DESCRIBE, ATTRIBUTES]


def test_snapshots_shared_with_us_get_no_tag_calls_and_a_tag_filter_leaves_them_out(stubbed):
    client, stubber, calls = stubbed
    theirs = dict(api_snapshot(1), DBClusterSnapshotIdentifier="arn:aws:rds:us-east-1:210987654321:cluster-snapshot:x")
    queue_pages(stubber, [theirs], {"IncludeShared": True})
    listed = list_snapshots(NeptuneSnapshotApi(client), build_listing_request({"include_shared": True}))
    assert len(listed) == 1 and "tags" not in listed[0]
    queue_pages(stubber, [theirs], {"IncludeShared": True})
    filtered = list_snapshots(NeptuneSnapshotApi(client), build_listing_request({"include_shared": True, "tags": {"a": "1"}}))
    assert filtered == []
    assert calls == [DESCRIBE, DESCRIBE]


# --- the pool, with a thread-safe fake client ----------------------------------------------


class FakeTagClient:
    """list_tags_for_resource that takes `delay` seconds, records concurrency and throttles some calls once."""

    def __init__(self, delay=0.02, throttle_once=()):
        self.delay = delay
        self.throttle_once = set(throttle_once)
        self.lock = threading.Lock()
        self.calls = []
        self.running = 0
        self.most_running = 0

    def list_tags_for_resource(self, ResourceName):
        with self.lock:
            self.calls.append(ResourceName)
            throttle = ResourceName in self.throttle_once
            self.throttle_once.discard(ResourceName)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            time.sleep(self.delay)
            if throttle:
                raise throttling()
            return {"TagList": [{"Key": "arn", "Value": ResourceName.rsplit(":", 1)[1]}]}
        finally:
            with self.lock:
                self.running -= 1


def tag_api(fake):
    return NeptuneSnapshotApi(RetryingBotoClientWrapper(fake, NO_SLEEP_RETRY))


def snapshot_facts_list(count):
    return [{"db_cluster_snapshot_identifier": f"snap-{n:04d}", "db_cluster_snapshot_arn": arn(f"snap-{n:04d}")}
            for n in range(count)]


def test_pool_runs_workers_at_once_never_more_and_keeps_order():
    """Counted, not timed: each call waits until 8 are in flight together (a barrier), so the pool must run 8 at
    once to finish, and the most seen at once is exactly 8. How much faster that is belongs to the benchmark."""
    items = snapshot_facts_list(40)
    barrier = threading.Barrier(8, timeout=10)

    class Together(FakeTagClient):
        def list_tags_for_resource(self, ResourceName):
            with self.lock:
                self.running += 1
                self.most_running = max(self.most_running, self.running)
            try:
                barrier.wait()  # BrokenBarrierError (the test fails) unless 8 calls are in flight together
            finally:
                with self.lock:
                    self.running -= 1
            return super().list_tags_for_resource(ResourceName)

    fake = Together(delay=0)
    pooled = bounded_map(tag_api(fake).read_tags, items, workers=8)
    assert pooled == [{"arn": item["db_cluster_snapshot_identifier"]} for item in items]
    assert fake.most_running == 8
    assert len(fake.calls) == 40


def test_pool_of_one_is_sequential():
    fake = FakeTagClient(delay=0)
    bounded_map(tag_api(fake).read_tags, snapshot_facts_list(5), workers=1)
    assert fake.most_running == 1


def test_a_throttled_call_in_the_pool_is_retried_by_its_thread():
    items = snapshot_facts_list(20)
    throttled = {arn("snap-0003"), arn("snap-0011")}
    fake = FakeTagClient(delay=0.001, throttle_once=throttled)
    result = bounded_map(tag_api(fake).read_tags, items, workers=4)
    assert result == [{"arn": item["db_cluster_snapshot_identifier"]} for item in items]
    assert len(fake.calls) == 22
    assert all(fake.calls.count(name) == 2 for name in throttled)


def test_a_call_that_keeps_failing_fails_the_listing_with_its_snapshot_named():
    class Denied(FakeTagClient):
        def list_tags_for_resource(self, ResourceName):
            if ResourceName.endswith("snap-0005"):
                raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, TAGS)
            return super().list_tags_for_resource(ResourceName)

    fake = Denied(delay=0.001)
    with pytest.raises(AnsibleAWSError, match="Failed to list the tags of DB cluster snapshot 'snap-0005'"):
        bounded_map(tag_api(fake).read_tags, snapshot_facts_list(200), workers=4)
    # The calls not started when it failed were cancelled.
    assert len(fake.calls) < 200


def test_pool_with_nothing_to_do():
    assert bounded_map(lambda item: 1 / 0, [], workers=8) == []


def test_a_snapshot_deleted_during_the_listing_is_left_out(stubbed):
    """A pruning job may delete a snapshot between the describe and its tag read."""
    client, stubber, calls = stubbed
    queue_pages(stubber, [api_snapshot(1), api_snapshot(2)])
    stubber.add_client_error("list_tags_for_resource", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    stubber.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": arn("snap-0002")})
    result = list_snapshots(NeptuneSnapshotApi(client), build_listing_request({}), workers=1)
    assert [s["db_cluster_snapshot_identifier"] for s in result] == ["snap-0002"]
    assert calls == [DESCRIBE, TAGS, TAGS]


def test_a_snapshot_asked_for_by_arn_is_found_by_its_arn(stubbed):
    client, stubber, calls = stubbed
    queue_pages(stubber, [api_snapshot(1)], expected={"DBClusterSnapshotIdentifier": arn("snap-0001"), "IncludeShared": True})
    stubber.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": arn("snap-0001")})
    result = list_snapshots(NeptuneSnapshotApi(client), build_listing_request({"db_cluster_snapshot_identifier": arn("snap-0001")}))
    assert [s["db_cluster_snapshot_identifier"] for s in result] == ["snap-0001"]


# --- tags from the listing: an rds client parses the describe answer's TagList -----------------------------


def tagged(snapshot, **tags):
    """An rds-model answer entry carrying its TagList (and an rds-only member the facts must not show)."""
    return dict(snapshot, TagList=[{"Key": key, "Value": value} for key, value in tags.items()], EngineMode="provisioned")


def listing_api(stubbed, stubbed_rds):
    return NeptuneSnapshotApi(stubbed[0], listing_client=stubbed_rds[0])


def test_tags_in_the_listing_need_no_tag_read(stubbed, stubbed_rds):
    _client, _stubber, calls = stubbed
    _rds, rds_stubber, rds_calls = stubbed_rds
    queue_pages(rds_stubber, [tagged(api_snapshot(2), n="2"), tagged(api_snapshot(1))])
    result = list_snapshots(listing_api(stubbed, stubbed_rds), build_listing_request({}))
    assert [s["tags"] for s in result] == [{}, {"n": "2"}]
    # The rds model's extra members do not leak into the facts.
    assert all("tag_list" not in s and "engine_mode" not in s for s in result)
    assert rds_calls == [DESCRIBE] and calls == []


def test_without_a_tag_list_each_snapshot_gets_one_tag_read(stubbed, stubbed_rds):
    _client, stubber, calls = stubbed
    _rds, rds_stubber, rds_calls = stubbed_rds
    queue_pages(rds_stubber, [tagged(api_snapshot(1), n="1"), api_snapshot(2), api_snapshot(3)])
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "n", "Value": "2"}]}, {"ResourceName": arn("snap-0002")})
    stubber.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": arn("snap-0003")})
    result = list_snapshots(listing_api(stubbed, stubbed_rds), build_listing_request({}), workers=1)
    assert [s["tags"] for s in result] == [{"n": "1"}, {"n": "2"}, {}]
    assert rds_calls == [DESCRIBE] and calls == [TAGS, TAGS]


def test_tags_from_every_page_of_a_listing(stubbed, stubbed_rds):
    _client, _stubber, calls = stubbed
    _rds, rds_stubber, rds_calls = stubbed_rds
    snapshots = [tagged(api_snapshot(number), n=str(number)) for number in range(250)]
    markers = queue_pages(rds_stubber, snapshots, {"DBClusterIdentifier": "graph"})
    result = list_snapshots(listing_api(stubbed, stubbed_rds), build_listing_request({"db_cluster_identifier": "graph"}))
    assert markers == ["marker-1", "marker-2"]
    assert [s["tags"] for s in result] == [{"n": str(number)} for number in range(250)]
    assert rds_calls == [DESCRIBE] * 3 and calls == []


def test_the_tag_filter_uses_the_listed_tags(stubbed, stubbed_rds):
    _client, stubber, calls = stubbed
    _rds, rds_stubber, _rds_calls = stubbed_rds
    queue_pages(rds_stubber, [tagged(api_snapshot(1), keep="yes"), tagged(api_snapshot(2), keep="no"), api_snapshot(3)])
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": "keep", "Value": "yes"}]}, {"ResourceName": arn("snap-0003")})
    request = build_listing_request({"tags": {"keep": "yes"}, "include_tags": False})
    result = list_snapshots(listing_api(stubbed, stubbed_rds), request, workers=1)
    assert [s["db_cluster_snapshot_identifier"] for s in result] == ["snap-0001", "snap-0003"]
    assert calls == [TAGS]


def test_without_include_tags_the_listed_tags_are_not_returned(stubbed, stubbed_rds):
    _rds, rds_stubber, _rds_calls = stubbed_rds
    queue_pages(rds_stubber, [tagged(api_snapshot(1), n="1")])
    result = list_snapshots(listing_api(stubbed, stubbed_rds), build_listing_request({"include_tags": False}))
    assert len(result) == 1 and "tags" not in result[0] and "tag_list" not in result[0]


def test_a_snapshot_shared_with_us_gets_no_tags_from_the_listing(stubbed, stubbed_rds):
    _rds, rds_stubber, _rds_calls = stubbed_rds
    theirs = dict(tagged(api_snapshot(1), a="1"), DBClusterSnapshotIdentifier="arn:aws:rds:us-east-1:210987654321:cluster-snapshot:x")
    queue_pages(rds_stubber, [theirs], {"IncludeShared": True})
    listed = list_snapshots(listing_api(stubbed, stubbed_rds), build_listing_request({"include_shared": True}))
    assert len(listed) == 1 and "tags" not in listed[0]


def test_only_snapshots_read_one_by_one_can_be_found_deleted(stubbed, stubbed_rds):
    _client, stubber, calls = stubbed
    _rds, rds_stubber, _rds_calls = stubbed_rds
    queue_pages(rds_stubber, [tagged(api_snapshot(1)), api_snapshot(2), api_snapshot(3)])
    stubber.add_client_error("list_tags_for_resource", "DBSnapshotNotFound", http_status_code=404)
    stubber.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": arn("snap-0003")})
    result = list_snapshots(listing_api(stubbed, stubbed_rds), build_listing_request({}), workers=1)
    assert [s["db_cluster_snapshot_identifier"] for s in result] == ["snap-0001", "snap-0003"]
    assert calls == [TAGS, TAGS]
