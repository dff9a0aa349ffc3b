# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module's and the rotation's listings through the proxy, which pages as AWS does (100 a page, a Marker),
on a real moto server: the engine filter spares the pages of other engines' snapshots, and no Neptune snapshot is
missed however many pages the listing spans. The proxy counts the pages (one call each)."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_api import RegionApi
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import NeptuneSnapshotApi
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import build_listing_request
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing_api import list_snapshots

NO_SLEEP_RETRY = AWSRetry.jittered_backoff(retries=4, delay=0, max_delay=0)
DESCRIBE = "DescribeDBClusterSnapshots"


def client(local_aws_info, region, service, url=None):
    raw = boto3.client(service, endpoint_url=url or local_aws_info["proxy_url"], region_name=region,
                       aws_access_key_id="testing", aws_secret_access_key="testing",
                       config=Config(retries={"total_max_attempts": 1}))
    return RetryingBotoClientWrapper(raw, NO_SLEEP_RETRY)


def info_api(local_aws_info, region):
    """The info module's clients: neptune for the per-snapshot reads, rds for the listing (as connect() makes them)."""
    return NeptuneSnapshotApi(client(local_aws_info, region, "neptune"),
                              listing_client=client(local_aws_info, region, "rds"))


def fill(local_aws_info, region, neptune, aurora):
    """`neptune` manual snapshots of a Neptune cluster and `aurora` of an aurora-postgresql one, made straight at
    moto (each cluster brings its automated snapshot); returns the Neptune snapshots' identifiers, every type."""
    direct = boto3.client("rds", endpoint_url=local_aws_info["moto_url"], region_name=region,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    direct.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")
    direct.create_db_cluster(DBClusterIdentifier="pg", Engine="aurora-postgresql", MasterUsername="admin",
                             MasterUserPassword="password123")
    for cluster, count in (("graph", neptune), ("pg", aurora)):
        for number in range(count):
            direct.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=f"{cluster}-{number:04d}",
                                              Tags=[{"Key": "n", "Value": str(number)}])
    listed = [s for page in direct.get_paginator("describe_db_cluster_snapshots").paginate() for s in page["DBClusterSnapshots"]]
    assert len(listed) == neptune + aurora + 2
    return {s["DBClusterSnapshotIdentifier"] for s in listed if s["Engine"] == "neptune"}


def describes(proxy):
    calls = [c["action"] for c in proxy.calls()]
    assert set(calls) <= {DESCRIBE}, calls  # the tags come with the listing (TagList): no tag read
    return len(calls)


def test_aurora_pages_are_not_fetched(local_aws_info, proxy):
    """250 Aurora snapshots and 3 Neptune ones: 1 describe (without the filter, 3 pages of 100)."""
    region = "ca-central-1"
    neptune = fill(local_aws_info, region, 3, 250)
    proxy.clear_calls()
    listed = list_snapshots(info_api(local_aws_info, region), build_listing_request({"snapshot_type": "manual"}))
    assert [s["db_cluster_snapshot_identifier"] for s in listed] == ["graph-0000", "graph-0001", "graph-0002"]
    assert [s["tags"] for s in listed] == [{"n": "0"}, {"n": "1"}, {"n": "2"}]
    assert describes(proxy) == 1
    proxy.clear_calls()
    everything = list_snapshots(info_api(local_aws_info, region), build_listing_request({"include_tags": False}))
    assert {s["db_cluster_snapshot_identifier"] for s in everything} == neptune  # and the automated one
    assert describes(proxy) == 1
    proxy.clear_calls()
    by_tag = list_snapshots(info_api(local_aws_info, region), build_listing_request({"tags": {"n": "1"}}))
    assert [s["db_cluster_snapshot_identifier"] for s in by_tag] == ["graph-0001"]  # not pg-0001
    assert describes(proxy) == 1


def test_no_neptune_snapshot_is_missed_over_several_pages(local_aws_info, proxy):
    """230 Neptune snapshots (231 with the automated one) among 150 Aurora ones: the 3 pages of 100 Neptune
    snapshots AWS gives with the filter, each snapshot once; 4 pages without it."""
    region = "eu-west-3"
    neptune = fill(local_aws_info, region, 230, 150)
    proxy.clear_calls()
    listed = list_snapshots(info_api(local_aws_info, region), build_listing_request({}))
    identifiers = [s["db_cluster_snapshot_identifier"] for s in listed]
    assert len(identifiers) == len(set(identifiers)) == 231 and set(identifiers) == neptune
    assert all(s["tags"] == {"n": str(int(s["db_cluster_snapshot_identifier"][-4:]))} for s in listed
               if not s["db_cluster_snapshot_identifier"].startswith("rds:"))
    assert describes(proxy) == 3
    proxy.clear_calls()
    raw = client(local_aws_info, region, "rds")
    pages = 1
    answer = raw.describe_db_cluster_snapshots(MaxRecords=100)
    while answer.get("Marker"):
        answer, pages = raw.describe_db_cluster_snapshots(MaxRecords=100, Marker=answer["Marker"]), pages + 1
    assert pages == 4  # what the filter spares


@pytest.mark.parametrize("aurora", [0, 250])
def test_the_rotation_lists_a_region_in_the_pages_of_its_neptune_snapshots(local_aws_info, proxy, aurora):
    region = "eu-central-2" if aurora else "il-central-1"
    fill(local_aws_info, region, 3, aurora)
    proxy.clear_calls()
    listing = RegionApi(client(local_aws_info, region, "rds"), region).list_snapshots(["graph"], "nightly")
    assert sorted(listing) == ["graph-0000", "graph-0001", "graph-0002"]
    assert describes(proxy) == 1
